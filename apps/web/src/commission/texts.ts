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

  // The list and ballot data bundle (bundle-panel.tsx, P-3.2, P-4.2).
  'part.bundle': { ru: 'Загрузка данных', en: 'Bundle load' },
  'bundle.heading': {
    ru: 'Загрузка сведений об участниках и данных бюллетеня (п. 3.2, 4.2)',
    en: 'Loading the participant data and the ballot data (P-3.2, P-4.2)',
  },
  'bundle.lead': {
    ru: 'Выберите папку носителя, полученного из центра обработки данных, или все его файлы. Сервер проверит электронную подпись перечня файлов и каждый файл; загрузить можно только проверенный пакет.',
    en: 'Choose the folder of the medium from the data centre, or all its files. The server checks the manifest’s signature and every file; only a verified bundle can be loaded.',
  },
  'bundle.folder': { ru: 'Папка носителя', en: 'The medium’s folder' },
  'bundle.files': {
    ru: 'или файлы носителя (включая manifest.json)',
    en: 'or the medium’s files (manifest.json included)',
  },
  'bundle.reading': { ru: 'Файлы читаются и проверяются…', en: 'Reading and checking the files…' },
  'bundle.verified': {
    ru: 'Пакет проверен: подпись центра обработки данных верна, все файлы совпадают с перечнем.',
    en: 'The bundle is verified: the data centre’s signature is valid and every file matches the manifest.',
  },
  'bundle.notVerified': { ru: 'Пакет не прошёл проверку', en: 'The bundle failed verification' },
  'bundle.signer': { ru: 'Подписал', en: 'Signed by' },
  'bundle.role': { ru: 'Роль подписавшего', en: 'Signer’s role' },
  'bundle.role.data-centre': { ru: 'Центр обработки данных', en: 'Data centre' },
  'bundle.election': { ru: 'Выборы', en: 'Election' },
  'bundle.kind': { ru: 'Вид пакета', en: 'Kind' },
  'bundle.createdAt': { ru: 'Создан (МСК)', en: 'Made at (Moscow time)' },
  'bundle.hash': { ru: 'Хеш пакета (SHA-256 перечня)', en: 'Bundle hash (SHA-256 of the manifest)' },
  'bundle.filesCaption': { ru: 'Файлы пакета: {n}', en: 'Files of the bundle: {n}' },
  'bundle.file': { ru: 'Файл', en: 'File' },
  'bundle.size': { ru: 'Размер, байт', en: 'Size, bytes' },
  'bundle.sha256': { ru: 'SHA-256', en: 'SHA-256' },
  'bundle.status': { ru: 'Проверка', en: 'Check' },
  'bundle.status.ok': { ru: 'совпадает', en: 'OK' },
  'bundle.status.mismatch': { ru: 'не совпадает', en: 'failed: does not match' },
  'bundle.status.missing': { ru: 'нет на носителе', en: 'failed: missing' },
  'bundle.status.extra': { ru: 'нет в перечне', en: 'failed: not in the manifest' },
  'bundle.status.unchecked': { ru: 'не проверен', en: 'not checked' },
  'bundle.loadedBefore': {
    ru: 'Этот пакет уже загружен {at}; повторная загрузка ничего не изменит.',
    en: 'This bundle was loaded on {at}; loading it again changes nothing.',
  },
  'bundle.load': { ru: 'Загрузить пакет', en: 'Load the bundle' },
  'bundle.loading': { ru: 'Загрузка…', en: 'Loading…' },
  'bundle.loaded': { ru: 'Пакет загружен {at}.', en: 'The bundle was loaded on {at}.' },
  'bundle.alreadyLoaded': {
    ru: 'Пакет был загружен ранее ({at}); ничего не изменено.',
    en: 'The bundle was loaded before ({at}); nothing was changed.',
  },
  'bundle.regionsCaption': { ru: 'Загруженные списки участников', en: 'Participant lists loaded' },
  'bundle.participants': { ru: 'Участников в списке', en: 'Participants on the list' },
  'bundle.ballotVersion': {
    ru: 'Исходные данные бюллетеня: версия {version}.',
    en: 'Ballot source data: version {version}.',
  },
  'bundle.noBallot': {
    ru: 'Исходных данных бюллетеня в пакете нет.',
    en: 'The bundle carries no ballot source data.',
  },

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

  'part.ballot': { ru: 'Бюллетень', en: 'Ballot' },
  'part.retention': { ru: 'Хранение и уничтожение', en: 'Retention and destruction' },
  'ballot.heading': { ru: 'Электронный бюллетень и его уточнения', en: 'The ballot and its updates' },
  'ballot.lead': {
    ru: 'Исходные данные бюллетеня поступают вместе с данными для списков (п. 4.2). Если кандидат выбыл или его регистрация отменена, уточнённые данные загружаются до начала голосования; после начала бюллетень не изменяется (п. 4.3).',
    en: 'The ballot source data come with the list data (P-4.2). If a candidate withdraws or is deregistered, updated data are loaded until voting starts; after the start the ballot never changes (P-4.3).',
  },
  'ballot.fixedFrom': {
    ru: 'Бюллетень может уточняться до {at} (МСК) — начала голосования в первом субъекте.',
    en: 'The ballot may be updated until {at} (Moscow time), when voting starts in the first region.',
  },
  'ballot.none': {
    ru: 'Исходные данные бюллетеня ещё не загружены.',
    en: 'The ballot source data are not loaded yet.',
  },
  'ballot.current': {
    ru: 'Текущая версия {version}: «{title}»',
    en: 'Current version {version}: “{title}”',
  },
  'ballot.candidateId': { ru: 'Код кандидата', en: 'Candidate id' },
  'ballot.candidateName': { ru: 'Кандидат', en: 'Candidate' },
  'ballot.candidateInfo': { ru: 'Сведения о кандидате', en: 'About the candidate' },
  'ballot.history': { ru: 'История версий исходных данных', en: 'Versions of the source data' },
  'ballot.version': { ru: 'Версия', en: 'Version' },
  'ballot.when': { ru: 'Когда (МСК)', en: 'When (Moscow time)' },
  'ballot.why': { ru: 'Основание', en: 'Why' },
  'ballot.candidates': { ru: 'Кандидатов', en: 'Candidates' },
  'ballot.fromBundle': {
    ru: 'Загружена с данными для списков (пакет {hash}…)',
    en: 'Loaded with the list data (bundle {hash}…)',
  },
  'ballot.updateWhy': { ru: '{reason}: кандидат {candidate}', en: '{reason}: candidate {candidate}' },
  'ballot.reason.withdrawn': { ru: 'Выбытие кандидата', en: 'Candidate withdrew' },
  'ballot.reason.deregistered': {
    ru: 'Отмена или аннулирование регистрации кандидата',
    en: 'Registration cancelled or annulled',
  },
  'ballot.reason.added': {
    ru: 'Решение ЦИК России о внесении данных о кандидате',
    en: 'CEC decision to put a candidate on the ballot',
  },
  'ballot.form.heading': {
    ru: 'Уточнение исходных данных бюллетеня (п. 4.3)',
    en: 'Updating the ballot source data (P-4.3)',
  },
  'ballot.form.reason': { ru: 'Основание уточнения', en: 'Reason for the update' },
  'ballot.form.candidate': { ru: 'Кандидат', en: 'Candidate' },
  'ballot.form.newId': { ru: 'Код нового кандидата', en: 'New candidate’s id' },
  'ballot.form.newName': {
    ru: 'Фамилия, имя, отчество кандидата',
    en: 'Candidate’s full name',
  },
  'ballot.form.newInfo': {
    ru: 'Сведения о кандидате (как в бюллетене)',
    en: 'About the candidate (as on the ballot)',
  },
  'ballot.form.result': {
    ru: 'Будет записана версия {version}: кандидатов {n}.',
    en: 'Version {version} will be recorded: {n} candidates.',
  },
  'ballot.form.submit': { ru: 'Записать уточнение', en: 'Record the update' },
  'ballot.form.done': { ru: 'Записана версия {version}.', en: 'Version {version} recorded.' },
  'ballot.preview.heading': {
    ru: 'Бюллетень так, как его увидит участник',
    en: 'The ballot as a participant will see it',
  },
  'ballot.preview.show': { ru: 'Показать бюллетень', en: 'Show the ballot' },
  'ballot.preview.language': { ru: 'Язык бюллетеня', en: 'Ballot language' },
  'ballot.preview.window': {
    ru: 'Версия {version}. Голосование в субъекте: с {opens} по {closes} ({zone}).',
    en: 'Version {version}. Voting in the region: from {opens} to {closes} ({zone}).',
  },
  'ballot.preview.choose': {
    ru: 'Введите код субъекта РФ, чтобы увидеть его бюллетень.',
    en: 'Enter a region code to see its ballot.',
  },

  'retention.heading': {
    ru: 'Хранение и уничтожение данных (раздел 9)',
    en: 'Retention and destruction of data (section 9)',
  },
  'retention.lead': {
    ru: 'Сроки отсчитываются от официального опубликования итогов (опубликования протокола) и окончания срока полномочий комиссии; уничтожение — только по акту после истечения срока хранения.',
    en: 'Periods run from the official publication of the results (the protocol’s publication) and the end of the commission’s term; destruction only by act after the retention period.',
  },
  'retention.published': { ru: 'Протокол опубликован (МСК)', en: 'Protocol published (Moscow time)' },
  'retention.termEnds': {
    ru: 'Срок полномочий комиссии истекает (МСК)',
    en: 'The commission’s term ends (Moscow time)',
  },
  'retention.wipeDue': {
    ru: 'Уничтожить данные на рабочих местах не позднее (п. 9.4, МСК)',
    en: 'Wipe the workstations by (P-9.4, Moscow time)',
  },
  'retention.caption': {
    ru: 'Сроки хранения (пп. 9.1, 9.2)',
    en: 'Retention periods (P-9.1, P-9.2)',
  },
  'retention.item': { ru: 'Данные', en: 'Data' },
  'retention.until': { ru: 'Хранятся в комиссии до (МСК)', en: 'Kept by the commission until (Moscow time)' },
  'retention.then': { ru: 'Затем', en: 'Then' },
  'retention.handOver': { ru: 'передаются в ЦИК России {at}', en: 'handed to the CEC at {at}' },
  'retention.destroyFrom': {
    ru: 'уничтожаются по акту не ранее {at}',
    en: 'destroyed by act not before {at}',
  },
  'retention.state': { ru: 'Состояние', en: 'State' },
  'retention.kept': { ru: 'хранятся', en: 'kept' },
  'retention.destroyedBy': { ru: 'уничтожены по акту № {number}', en: 'destroyed by act No. {number}' },
  'acts.caption': { ru: 'Акты об уничтожении (п. 9.3)', en: 'Destruction acts (P-9.3)' },
  'acts.none': { ru: 'Актов об уничтожении нет.', en: 'No destruction acts.' },
  'act.number': { ru: 'Номер акта', en: 'Act number' },
  'act.items': { ru: 'Уничтоженные данные', en: 'Data destroyed' },
  'act.destroyedAt': { ru: 'Когда уничтожены (МСК)', en: 'Destroyed at (Moscow time)' },
  'act.by': {
    ru: 'Кто уничтожил и подписал акт (коды членов комиссии через запятую)',
    en: 'Who destroyed them and signed the act (member ids, comma-separated)',
  },
  'act.byColumn': { ru: 'Подписали', en: 'Signed by' },
  'act.method': { ru: 'Способ уничтожения', en: 'Method' },
  'act.recordedAt': { ru: 'Записан (МСК)', en: 'Recorded (Moscow time)' },
  'act.heading': { ru: 'Записать акт об уничтожении', en: 'Record a destruction act' },
  'act.submit': { ru: 'Записать акт', en: 'Record the act' },
  'act.done': { ru: 'Акт № {number} записан.', en: 'Act No. {number} recorded.' },
  'wipes.caption': {
    ru: 'Уничтожение данных на рабочих местах членов комиссии (п. 9.4)',
    en: 'Wiping the members’ workstations (P-9.4)',
  },
  'wipes.none': { ru: 'Записей об уничтожении данных на рабочих местах нет.', en: 'No workstation wipes.' },
  'wipe.workstation': { ru: 'Рабочее место', en: 'Workstation' },
  'wipe.wipedAt': { ru: 'Когда уничтожены (МСК)', en: 'Wiped at (Moscow time)' },
  'wipe.method': { ru: 'Способ уничтожения', en: 'Method' },
  'wipe.due': { ru: 'Срок (МСК)', en: 'Due (Moscow time)' },
  'wipe.late': { ru: 'с нарушением срока', en: 'late' },
  'wipe.inTime': { ru: 'в срок', en: 'in time' },
  'wipe.form.at': {
    ru: 'Когда данные на рабочем месте уничтожены (МСК)',
    en: 'When the workstation was wiped (Moscow time)',
  },
  'wipe.form.method': {
    ru: 'Способ уничтожения данных на рабочем месте',
    en: 'How the workstation was wiped',
  },
  'wipe.heading': {
    ru: 'Записать уничтожение данных на рабочем месте',
    en: 'Record a workstation wipe',
  },
  'wipe.submit': { ru: 'Записать уничтожение', en: 'Record the wipe' },
  'wipe.done': { ru: 'Записано: {workstation}.', en: 'Recorded: {workstation}.' },
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
