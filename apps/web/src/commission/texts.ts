// The texts of the commission's write pages and of the published protocol, Russian first and
// English second. Kept apart from messages.ts so that they load with the workstation's and the
// observer portal's chunks only, never with the voting page; same `{name}` placeholders.
import { useCallback } from 'react';
import { useI18n } from '../i18n.tsx';

interface Text {
  readonly ru: string;
  readonly en: string;
}

export const TEXTS = {
  'part.keys': { ru: 'Формирование ключей', en: 'Key ceremony' },
  'part.finalLists': { ru: 'Итоговые списки', en: 'Final lists' },
  'part.decryption': { ru: 'Расшифрование', en: 'Decryption' },
  'part.protocol': { ru: 'Протокол', en: 'Protocol' },
  'common.region': { ru: 'Субъект РФ (код)', en: 'Region (code)' },
  'common.sha256': { ru: 'Хеш документа SHA-256', en: 'Document hash SHA-256' },
  'close.keyGroup': { ru: 'Группа субъектов (комплект ключей)', en: 'Key group' },

  'exclude.column': { ru: 'Исключение', en: 'Exclusion' },
  'exclude.button': { ru: 'Исключить', en: 'Exclude' },
  'exclude.rowButton': { ru: 'Исключить участника № {n}', en: 'Exclude participant No. {n}' },
  'exclude.heading': {
    ru: 'Исключение участника № {n}: {name}',
    en: 'Excluding participant No. {n}: {name}',
  },
  'exclude.reason': { ru: 'Основание (п. 3.4 Порядка)', en: 'Ground (P-3.4)' },
  'exclude.reason.LOST_SUFFRAGE': { ru: 'Утратил активное избирательное право', en: 'Lost active suffrage' },
  'exclude.reason.VOTED_EARLY': { ru: 'Проголосовал досрочно', en: 'Voted early' },
  'exclude.reason.CONDITIONS_NOT_MET': {
    ru: 'Перестал соответствовать условиям участия в ДЭГ',
    en: 'No longer meets the conditions for remote voting',
  },
  'exclude.document': {
    ru: 'Официальный документ (например, «решение суда № …»)',
    en: 'Official document (e.g. "court decision No. …")',
  },
  'exclude.submit': { ru: 'Исключить из списка', en: 'Exclude from the list' },
  'exclude.cancel': { ru: 'Отмена', en: 'Cancel' },

  'keys.heading': { ru: 'Формирование ключей шифрования', en: 'Key ceremony' },
  'keys.noDecision': {
    ru: 'Решение комиссии о числе частей ключа, пороге и держателях ещё не принято (п. 5.4).',
    en: 'The commission has not yet decided the number of key parts, the threshold and the holders (P-5.4).',
  },
  'keys.decision': {
    ru: 'По решению комиссии: частей ключа N = {n}, для расшифрования нужно K = {k}.',
    en: 'By the commission’s decision: N = {n} key parts, K = {k} needed to decrypt.',
  },
  'keys.mode': { ru: 'Способ формирования', en: 'Mode' },
  'keys.mode.dealer': {
    ru: 'Ключ формирует программа и делит на части',
    en: 'Dealer: made and split by the software',
  },
  'keys.mode.dealer-free': { ru: 'Без доверенного дилера (Педерсен)', en: 'Dealer-free (Pedersen)' },
  'keys.passphrases': {
    ru: 'Парольные фразы держателей: каждый держатель вводит свою сам',
    en: 'Holders’ passphrases: each holder types their own',
  },
  'keys.passphraseOf': { ru: 'Часть {index}: держатель {holder}', en: 'Part {index}: holder {holder}' },
  'keys.attendance': { ru: 'Присутствующие (п. 5.5)', en: 'Present (P-5.5)' },
  'keys.attendeeKind': { ru: 'Кто', en: 'Who' },
  'keys.kind.commission-member': { ru: 'Член комиссии', en: 'Commission member' },
  'keys.kind.cec-member': { ru: 'Член ЦИК России', en: 'CEC member' },
  'keys.kind.operator': { ru: 'Оператор', en: 'Operator' },
  'keys.kind.commission-observer': { ru: 'Наблюдатель', en: 'Observer' },
  'keys.kind.media': { ru: 'Представитель СМИ', en: 'Media' },
  'keys.memberId': { ru: 'Идентификатор члена комиссии', en: 'Member id' },
  'keys.fullName': { ru: 'Фамилия, имя, отчество', en: 'Full name' },
  'keys.arrivedAt': { ru: 'Время прибытия', en: 'Arrived at' },
  'keys.addAttendee': { ru: 'Добавить присутствующего', en: 'Add an attendee' },
  'keys.submit': { ru: 'Сформировать ключи', en: 'Generate the keys' },
  'keys.busy': { ru: 'Ключи формируются…', en: 'Generating the keys…' },
  'keys.held': {
    ru: 'Ключи группы {keyGroup} сформированы {at} (МСК): {n} частей, порог {k}.',
    en: 'The keys of group {keyGroup} were generated at {at} (Moscow time): {n} parts, threshold {k}.',
  },
  'keys.filesHint': {
    ru: 'Каждый держатель сейчас сохраняет свой файл на свой носитель. Сервер файлы не хранит: после ухода с этой страницы их не получить.',
    en: 'Each holder now saves their file to their own medium. The server keeps no file: once you leave this page they are gone.',
  },
  'keys.download': {
    ru: 'Скачать файл части {index} (держатель {holder})',
    en: 'Download the file of part {index} (holder {holder})',
  },
  'keys.saved': { ru: 'сохранён', en: 'saved' },

  'final.heading': { ru: 'Итоговые списки участников ДЭГ', en: 'Final lists of participants' },
  'final.lead': {
    ru: 'После окончания голосования председатель формирует итоговые списки группы; председатель и секретарь подписывают их своими ключами (пп. 7.1–7.5).',
    en: 'After voting ends the chairman orders the group’s final lists; the chairman and the secretary sign them with their own keys (P-7.1–P-7.5).',
  },
  'final.none': {
    ru: 'Итоговые списки группы {keyGroup} ещё не сформированы.',
    en: 'The final lists of group {keyGroup} are not made yet.',
  },
  'final.order': { ru: 'Сформировать итоговые списки', en: 'Order the final lists' },
  'final.caption': {
    ru: 'Итоговые списки группы {keyGroup}, сформированы {at} (МСК)',
    en: 'Final lists of group {keyGroup}, made at {at} (Moscow time)',
  },
  'final.line1': { ru: 'Строка 1: включено в список', en: 'Line 1: on the list' },
  'final.line2': { ru: 'Строка 2: выдано бюллетеней', en: 'Line 2: ballots issued' },
  'final.awaiting': {
    ru: 'Ожидаются подписи председателя и секретаря.',
    en: 'Awaiting the chairman’s and the secretary’s signatures.',
  },
  'final.published': {
    ru: 'Итоговые списки подписаны {at} (МСК).',
    en: 'The final lists were signed at {at} (Moscow time).',
  },

  'signOffs.caption': { ru: 'Подписи членов комиссии', en: 'Members’ signatures' },
  'signOffs.member': { ru: 'Член комиссии', en: 'Member' },
  'signOffs.state': { ru: 'Подпись', en: 'Signature' },
  'signOffs.at': { ru: 'Когда (МСК)', en: 'When (Moscow time)' },
  'signOffs.waiting': { ru: 'ожидается', en: 'awaited' },
  'signOffs.signed': {
    ru: 'подписано (сертификат {fingerprint}…)',
    en: 'signed (certificate {fingerprint}…)',
  },
  'signOffs.reason': { ru: 'не подписано: {reason}', en: 'not signed: {reason}' },

  'sign.heading': { ru: 'Подписать своим ключом', en: 'Sign with your own key' },
  'sign.hint': {
    ru: 'Файл ключа и парольная фраза не покидают этот компьютер: подпись создаётся в браузере, на сервер уходит только она.',
    en: 'The key file and the passphrase never leave this computer: the signature is made in the browser and only it is sent.',
  },
  'sign.keyFile': { ru: 'Файл ключа подписи (.pem)', en: 'Signing key file (.pem)' },
  'sign.certificate': { ru: 'Сертификат ключа (.pem)', en: 'Key certificate (.pem)' },
  'sign.passphrase': { ru: 'Парольная фраза ключа', en: 'Key passphrase' },
  'sign.submit': { ru: 'Подписать', en: 'Sign' },
  'sign.busy': { ru: 'Подписание…', en: 'Signing…' },
  'sign.missing': {
    ru: 'Выберите файл ключа и сертификат и введите парольную фразу.',
    en: 'Choose the key file and the certificate and enter the passphrase.',
  },
  'sign.badCertificate': {
    ru: 'Сертификат не прочитан или не соответствует ключу.',
    en: 'The certificate could not be read or does not match the key.',
  },

  'custody.heading': { ru: 'Передача носителя на хранение (п. 7.5)', en: 'Custody of the medium (P-7.5)' },
  'custody.medium': { ru: 'Носитель (метка или номер)', en: 'Medium (label or serial)' },
  'custody.place': { ru: 'Место хранения', en: 'Place' },
  'custody.hash': { ru: 'SHA-256 записанного пакета', en: 'SHA-256 of the written bundle' },
  'custody.submit': { ru: 'Записать передачу', en: 'Record the custody' },
  'custody.done': {
    ru: 'Записано: носитель {medium} помещён в {place} {at} (МСК).',
    en: 'Recorded: medium {medium} placed in {place} at {at} (Moscow time).',
  },

  'decrypt.heading': { ru: 'Расшифрование итогов', en: 'Decryption of the results' },
  'decrypt.lead': {
    ru: 'Держатели частей ключа по очереди загружают свой файл и вводят парольную фразу. Расшифрование выполняется в браузере, на сервер уходят только частичные расшифровки с доказательствами (пп. 7.6–7.8).',
    en: 'Key-part holders in turn load their file and type their passphrase. Decryption runs in the browser; only partial decryptions with proofs are sent (P-7.6–P-7.8).',
  },
  'decrypt.noLists': {
    ru: 'Итоговые списки этой группы ещё не сформированы.',
    en: 'The final lists of this group are not made yet.',
  },
  'decrypt.progress': { ru: 'Ход расшифрования (п. 11.7.8)', en: 'Decryption progress (P-11.7.8)' },
  'decrypt.total': { ru: 'Всего зашифрованных бюллетеней', en: 'Encrypted ballots in total' },
  'decrypt.decrypted': { ru: 'Расшифровано', en: 'Decrypted' },
  'decrypt.percent': { ru: 'Процент', en: 'Percent' },
  'decrypt.parts': { ru: 'Части ключа', en: 'Key parts' },
  'decrypt.partsOf': { ru: 'загружены: {parts}; нужно: {k}', en: 'loaded: {parts}; needed: {k}' },
  'decrypt.start': { ru: 'Начать расшифрование', en: 'Start decryption' },
  'decrypt.complete': {
    ru: 'Расшифрование завершено {at} (МСК).',
    en: 'Decryption completed at {at} (Moscow time).',
  },
  'holder.heading': { ru: 'Часть ключа держателя', en: 'A holder’s key part' },
  'holder.hint': {
    ru: 'Файл части ключа и парольная фраза остаются в браузере.',
    en: 'The key-part file and the passphrase stay in the browser.',
  },
  'holder.file': { ru: 'Файл части ключа', en: 'Key-part file' },
  'holder.passphrase': { ru: 'Парольная фраза держателя', en: 'Holder’s passphrase' },
  'holder.submit': { ru: 'Расшифровать своей частью', en: 'Decrypt with my part' },
  'holder.busy': { ru: 'Расшифрование…', en: 'Decrypting…' },
  'holder.missing': {
    ru: 'Выберите файл части ключа и введите парольную фразу.',
    en: 'Choose the key-part file and enter the passphrase.',
  },
  'holder.refused': {
    ru: 'Файл части ключа не открыт ({code}): проверьте файл и парольную фразу.',
    en: 'The key-part file could not be opened ({code}): check the file and the passphrase.',
  },
  'holder.accepted': {
    ru: 'Частичные расшифровки части {index} приняты и проверены.',
    en: 'The partial decryptions of part {index} were accepted and checked.',
  },

  'protocol.heading': { ru: 'Протокол об итогах ДЭГ', en: 'Protocol of the results' },
  'protocol.none': { ru: 'Протокол ещё не составлен.', en: 'The protocol is not compiled yet.' },
  'protocol.compiled': { ru: 'Протокол составлен {at} (МСК).', en: 'Compiled at {at} (Moscow time).' },
  'protocol.caption': { ru: 'Субъект РФ {region}', en: 'Region {region}' },
  'protocol.invalidMark': { ru: 'итоги признаны недействительными', en: 'results declared invalid' },
  'protocol.invalidated': {
    ru: 'Итоги признаны недействительными: {decision}. Причина: {reason}.',
    en: 'Results declared invalid: {decision}. Reason: {reason}.',
  },
  'protocol.line': { ru: '№ строки', en: 'Line' },
  'protocol.lineName': { ru: 'Строка протокола', en: 'Protocol line' },
  'protocol.value': { ru: 'Число', en: 'Number' },
  'protocol.awaiting': {
    ru: 'Ожидаются подписи или причины их отсутствия: {n}.',
    en: 'Signatures or reasons awaited: {n}.',
  },
  'protocol.published': { ru: 'Протокол опубликован {at} (МСК).', en: 'Published at {at} (Moscow time).' },
  'invalidate.heading': {
    ru: 'Признание итогов по субъекту недействительными (п. 7.10)',
    en: 'Declaring a region’s results invalid (P-7.10)',
  },
  'invalidate.hint': {
    ru: 'Только до составления протокола и только по решению комиссии.',
    en: 'Only before the protocol is compiled, and only by the commission’s decision.',
  },
  'invalidate.decision': { ru: 'Решение комиссии (номер)', en: 'Commission decision (number)' },
  'invalidate.reason': { ru: 'Причина', en: 'Reason' },
  'invalidate.submit': { ru: 'Признать недействительными', en: 'Declare invalid' },
  'invalidate.done': {
    ru: 'Итоги признаны недействительными: {regions}.',
    en: 'Results declared invalid: {regions}.',
  },
  'compile.heading': { ru: 'Составление протокола (п. 7.9)', en: 'Compiling the protocol (P-7.9)' },
  'compile.present': { ru: 'Присутствующие члены комиссии', en: 'Members present' },
  'compile.submit': { ru: 'Составить протокол', en: 'Compile the protocol' },
  'reason.heading': { ru: 'Причина отсутствия подписи', en: 'Why a member cannot sign' },
  'reason.text': { ru: 'Причина', en: 'Reason' },
  'reason.submit': { ru: 'Записать причину', en: 'Record the reason' },
  'handover.heading': { ru: 'Передача итогов (п. 8.1)', en: 'Hand-over of the results (P-8.1)' },
  'handover.json': {
    ru: 'Скачать протокол (JSON, подписываемый документ)',
    en: 'Download the protocol (JSON, the signed document)',
  },
  'handover.signature': {
    ru: 'Скачать подпись: {member} (CMS)',
    en: 'Download the signature: {member} (CMS)',
  },
  'handover.pdf': {
    ru: 'Протокол по субъекту {region} (PDF, приложение 4)',
    en: 'Protocol of region {region} (PDF, Appendix 4)',
  },
  'handover.custody': { ru: 'Передача носителя с итогами', en: 'Results medium handed over' },
  'handover.submit': { ru: 'Записать передачу носителя', en: 'Record the hand-over' },
  'handover.recorded': {
    ru: 'Передача носителя с итогами записана.',
    en: 'The hand-over of the results medium is recorded.',
  },

  'observeProtocol.part': { ru: 'Протокол', en: 'Protocol' },
  'observeProtocol.heading': {
    ru: 'Подписанный протокол об итогах ДЭГ',
    en: 'The signed protocol of the results',
  },
  'observeProtocol.none': {
    ru: 'Протокол ещё не опубликован: он появится здесь, когда его подпишут все присутствующие члены комиссии.',
    en: 'The protocol is not published yet: it appears here once every present member has signed.',
  },
} as const satisfies Record<string, Text>;

export type TextKey = keyof typeof TEXTS;

/** `ct(key, vars)`: a text of these pages in the current language. */
export function useText(): (key: TextKey, vars?: Readonly<Record<string, string | number>>) => string {
  const { lang } = useI18n();
  return useCallback(
    (key, vars) =>
      TEXTS[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) => {
        const v = vars?.[name];
        return v === undefined ? whole : String(v);
      }),
    [lang],
  );
}
