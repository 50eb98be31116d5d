// Stable API errors of the close of voting (P-7, P-8, P-9): each a code, a status and a message in
// Russian then English. Messages name ids, indices and codes, never personal data.
import { ApiError, bilingual, type ErrorCode } from '../errors.ts';

type Refusal = [code: ErrorCode, status: number, ru: string, en: string];

const REFUSALS = {
  keyGroupNotFound: ['KEY_GROUP_NOT_FOUND', 404, 'Группа ключей не найдена', 'No such key group'],
  tooEarly: [
    'CLOSING_TOO_EARLY',
    409,
    'Итоговые списки этой группы субъектов составляются не ранее установленного времени',
    'The final lists of this key group may not be made before their time',
  ],
  finalListsExist: [
    'FINAL_LISTS_EXIST',
    409,
    'Итоговые списки этой группы субъектов уже составлены',
    'The final lists of this key group were made already',
  ],
  finalListsNotFound: [
    'FINAL_LISTS_NOT_FOUND',
    404,
    'Итоговые списки этой группы субъектов ещё не составлены',
    'The final lists of this key group have not been made',
  ],
  finalListsNotSigned: [
    'FINAL_LISTS_NOT_SIGNED',
    409,
    'Итоговые списки не подписаны председателем и секретарём',
    'The final lists are not signed by the chairman and the secretary',
  ],
  countsInconsistent: [
    'CLOSING_COUNTS_INCONSISTENT',
    409,
    'Числа субъекта не согласуются между собой',
    "A region's numbers do not agree",
  ],
  certificateMemberMismatch: [
    'CERTIFICATE_MEMBER_MISMATCH',
    422,
    'Сертификат выдан другому члену комиссии или член комиссии не указан в конфигурации',
    'The certificate names another member, or the member is not in the configuration',
  ],
  signerNotMember: [
    'SIGNATURE_NOT_MEMBERS',
    422,
    'Подпись сделана ключом, сертификат которого не зарегистрирован за этим членом комиссии',
    "The signature's certificate is not registered for this member",
  ],
  signOffNotExpected: [
    'SIGN_OFF_NOT_EXPECTED',
    409,
    'Этот член комиссии не подписывает этот документ',
    'This member does not sign this document',
  ],
  signOffExists: [
    'SIGN_OFF_EXISTS',
    409,
    'Подпись или причина её отсутствия уже записана',
    'A signature or a reason is already recorded',
  ],
  decryptionNotStarted: [
    'DECRYPTION_NOT_STARTED',
    409,
    'Расшифрование этой группы субъектов не начато',
    'Decryption of this key group has not been started',
  ],
  decryptionExists: [
    'DECRYPTION_EXISTS',
    409,
    'Расшифрование этой группы субъектов уже начато',
    'Decryption of this key group was started already',
  ],
  decryptionWrongMode: [
    'DECRYPTION_WRONG_MODE',
    409,
    'Комиссия выбрала другой способ расшифрования',
    'The commission chose the other decryption mode',
  ],
  decryptionComplete: [
    'DECRYPTION_COMPLETE',
    409,
    'Расшифрование этой группы субъектов завершено',
    'Decryption of this key group is complete',
  ],
  suiteUnsupported: [
    'DECRYPTION_SUITE_UNSUPPORTED',
    422,
    'Для этой группы шифрования расшифрование на рабочем месте не поддерживается',
    'Decryption at the workstation does not support this suite',
  ],
  shareExists: [
    'SHARE_EXISTS',
    409,
    'Эта часть ключа уже использована для расшифрования',
    'This key part has been used already',
  ],
  protocolNotReady: [
    'PROTOCOL_NOT_READY',
    409,
    'Итоги расшифрованы не во всех группах субъектов',
    'Not every key group is decrypted',
  ],
  protocolExists: ['PROTOCOL_EXISTS', 409, 'Протокол уже составлен', 'The protocol was compiled already'],
  protocolNotFound: ['PROTOCOL_NOT_FOUND', 404, 'Протокол ещё не составлен', 'The protocol is not compiled'],
  protocolNotPublished: [
    'PROTOCOL_NOT_PUBLISHED',
    404,
    'Протокол ещё не подписан всеми присутствующими членами комиссии',
    'The protocol is not yet signed by every present member',
  ],
  alreadyInvalidated: [
    'REGION_ALREADY_INVALIDATED',
    409,
    'Итоги по субъекту уже признаны недействительными',
    "The region's results were already declared invalid",
  ],
  resultsNotAvailable: [
    'RESULTS_NOT_AVAILABLE',
    404,
    'Итоги по субъекту не передаются: протокол не опубликован или итоги признаны недействительными',
    "The region's results are not handed over: no published protocol, or declared invalid",
  ],
  wipeExists: [
    'WIPE_EXISTS',
    409,
    'Уничтожение данных на этом рабочем месте уже записано',
    'This workstation wipe is recorded already',
  ],
  actExists: [
    'DESTRUCTION_ACT_EXISTS',
    409,
    'Акт с этим номером уже записан',
    'An act with this number exists',
  ],
} as const satisfies Record<string, Refusal>;

export type ClosingRefusal = keyof typeof REFUSALS;

/** The refusal as an ApiError; `detail` (ids, indices, codes) is added to both languages. */
export function refuse(which: ClosingRefusal, detail?: { ru: string; en: string }): ApiError {
  const [code, status, ru, en] = REFUSALS[which];
  return new ApiError(
    code,
    status,
    bilingual(detail === undefined ? { ru, en } : { ru: `${ru}: ${detail.ru}`, en: `${en}: ${detail.en}` }),
  );
}

/** A refusal whose message comes whole from packages/deg (certificates, CMS, key files, protocol). */
export function refuseWith(code: ErrorCode, status: number, message: { ru: string; en: string }): ApiError {
  return new ApiError(code, status, bilingual(message));
}

/** The constraint a PostgreSQL error names, for unique, check and trigger violations. */
export function violated(e: unknown): string | undefined {
  const err = e as { code?: unknown; constraint?: unknown };
  if (
    (err.code === '23505' || err.code === '23514' || err.code === '23001') &&
    typeof err.constraint === 'string'
  )
    return err.constraint;
  return undefined;
}
