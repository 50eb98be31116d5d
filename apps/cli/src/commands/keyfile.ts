/**
 * `opendeg keyfile inspect <file>`: which election, key group and part a key part file holds, and
 * who holds it (P-5.5), read without the passphrase. The visible metadata is checked for form and
 * against the file's checksum, but it is not authenticated: only opening the part with its
 * passphrase does that, so the output says so.
 */

import { readFile, stat } from 'node:fs/promises';
import { CryptoError, describeKeyPart, inspectKeyPart } from '@opendeg/crypto';
import type { KeyPartMetadata } from '@opendeg/crypto';
import { parseCommandArgs, takePositionals } from '../args.ts';
import { badInput, CliError, EXIT_FAILED, EXIT_OK } from '../cli-io.ts';
import type { CommandContext } from '../cli-io.ts';

/** A key part file is five short lines; anything much larger is not one. */
const MAX_FILE_BYTES = 64 * 1024;

export async function runKeyfileInspect(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
  const [file] = takePositionals(positionals, ['file']) as [string];
  const size = (await stat(file)).size;
  if (size > MAX_FILE_BYTES) {
    throw badInput(`не файл части ключа (${size} байт) / not a key part file (${size} bytes): ${file}`);
  }
  let metadata: KeyPartMetadata;
  try {
    metadata = inspectKeyPart(await readFile(file));
  } catch (e) {
    if (e instanceof CryptoError && e.code === 'KEYFILE_TAMPERED') {
      throw new CliError(
        EXIT_FAILED,
        `файл повреждён или изменён / the file is damaged or was modified: ${e.message} (${e.code})`,
      );
    }
    if (e instanceof CryptoError && e.code === 'KEYFILE_MALFORMED') {
      throw badInput(`не файл части ключа / not a key part file: ${e.message} (${e.code})`);
    }
    throw e;
  }
  if (values.json === true) {
    ctx.io.stdout(JSON.stringify({ file, authenticated: false, metadata }, null, 2) + '\n');
    return EXIT_OK;
  }
  const m = metadata;
  const lines = [
    `Файл части ключа / Key part file: ${file}`,
    `  Выборы / Election:                 ${m.electionId}`,
    `  Комплект ключей / Key group:       ${m.keyGroup}`,
    `  Часть / Part:                      ${m.partIndex} из / of ${m.n}`,
    `  Порог / Threshold:                 любые ${m.k} расшифровывают / any ${m.k} decrypt`,
    ...(m.holder === undefined ? [] : [`  Держатель / Holder:                ${m.holder}`]),
    `  Группа / Suite:                    ${m.suite}`,
    ...(m.verificationKey === undefined ? [] : [`  Ключ проверки / Verification key:  ${m.verificationKey}`]),
    `  ${describeKeyPart(m)}`,
    '',
    'Целостность файла проверена; без пароля сведения не заверены: их заверяет открытие части',
    'паролем держателя. / The file is intact; without the passphrase the metadata is not',
    "authenticated: opening the part with its holder's passphrase authenticates it.",
    '',
  ];
  ctx.io.stdout(lines.join('\n'));
  return EXIT_OK;
}
