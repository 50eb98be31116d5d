// P-6.6: the information and the technical conditions of remote electronic voting that a
// participant reads and must confirm before going on to the confirmation code. Russian first,
// English second. The version is the SHA-256 of the texts' canonical JSON (RFC 8785): the voter
// confirms the version their device showed, and a confirmation of other texts is refused.
import { createHash } from 'node:crypto';
import { canonicalJsonBytes } from '@opendeg/crypto';

interface Section {
  readonly title: { readonly ru: string; readonly en: string };
  readonly text: { readonly ru: string; readonly en: string };
}

export const CONDITIONS: readonly Section[] = [
  {
    title: { ru: 'Порядок голосования', en: 'How voting works' },
    text: {
      ru:
        'Голосование проводится с 8:00 первого дня до 20:00 последнего дня голосования по местному ' +
        'времени вашего региона. Получив доступ к электронному бюллетеню, вы отмечаете один квадрат. ' +
        'Изменить выбор или проголосовать повторно нельзя. Избиратель, включённый в список участников ' +
        'ДЭГ, может проголосовать только дистанционно.',
      en:
        'Voting runs from 8:00 on the first day to 20:00 on the last day, local time of your region. ' +
        'Once you have access to the electronic ballot you mark one square. You cannot change your ' +
        'choice or vote again. A voter on the list of remote voting participants can vote only remotely.',
    },
  },
  {
    title: { ru: 'Тайна голосования', en: 'Secrecy of the vote' },
    text: {
      ru:
        'Перед выдачей бюллетеня выполняется анонимизация: ваше устройство создаёт ключ бюллетеня, ' +
        'а система подписывает его вслепую, не видя самого ключа. Ваш выбор шифруется на устройстве и ' +
        'хранится в зашифрованном виде; связать его с вашими персональными данными невозможно.',
      en:
        'Before the ballot is issued it is anonymised: your device makes a ballot key and the system ' +
        'signs it blindly, without seeing the key. Your choice is encrypted on your device and stored ' +
        'encrypted; it cannot be linked to your personal data.',
    },
  },
  {
    title: { ru: 'Код подтверждения', en: 'Confirmation code' },
    text: {
      ru:
        'Для подтверждения личности на номер телефона из вашей подтверждённой учётной записи Госуслуг ' +
        'придёт SMS с кодом из шести цифр. Новый код можно запросить не чаще одного раза в минуту; ' +
        'после пяти неверных вводов код перестаёт действовать и нужно запросить новый.',
      en:
        'To confirm your identity an SMS with a six-digit code is sent to the phone number of your ' +
        'confirmed state services account. A new code can be requested at most once a minute; after ' +
        'five wrong entries the code stops working and a new one must be requested.',
    },
  },
  {
    title: { ru: 'Технические условия', en: 'Technical conditions' },
    text: {
      ru:
        'Нужен современный браузер с включённым JavaScript и поддержкой Web Crypto, подключение к ' +
        'интернету и телефон для получения SMS. Не закрывайте страницу до получения квитанции. Если ' +
        'страница перестала отвечать, её можно перезагрузить: голос не будет потерян и не будет учтён ' +
        'дважды.',
      en:
        'You need an up-to-date browser with JavaScript and Web Crypto, an internet connection and a ' +
        'phone to receive the SMS. Do not close the page before you get the receipt. If the page stops ' +
        'responding you may reload it: the vote is neither lost nor counted twice.',
    },
  },
];

/** SHA-256 of the texts' canonical JSON, hex: what a confirmation names. */
export const CONDITIONS_VERSION: string = createHash('sha256')
  .update(canonicalJsonBytes(CONDITIONS))
  .digest('hex');
