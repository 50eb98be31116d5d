/**
 * `opendeg keys enrol|deal|combine`: a key part holder's side of the distributed key ceremony
 * (P-5.2–P-5.6, issue 6), run on the holder's own machine. The server only relays: the holder's
 * transport secret, its dealing's polynomial, the shares it receives and its part never leave this
 * machine, except the part sealed under the holder's passphrase into its key part file (P-5.5).
 *
 *   enrol    the token handed over at the ceremony (OPENDEG_HOLDER_TOKEN, never an argument) and a
 *            fresh transport key pair go into DIR/holder.json (mode 0600); the public key is posted
 *   deal     round 1: `holderDeal` (packages/crypto dkg-transport.ts) and the dealing posted
 *   combine  round 2: the shares decrypted and checked against their dealers' commitments; the part
 *            sealed under OPENDEG_KEY_PASSPHRASE into a key part file (mode 0600), its verification
 *            key and SHA-256 posted. A share that fails is posted as a complaint naming its dealer
 *            (exit 1), with the disclosure of that share's key so that anyone can judge it; no file
 *            is written.
 */

import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  bytesToHex,
  CryptoError,
  discloseShareKey,
  DKG_TRANSPORT_GROUP,
  hexToBytes,
  holderCombine,
  holderDeal,
  loadGroup,
  makeTransportKey,
  sealKeyPart,
  type DkgCeremonyBinding,
  type DkgCommitment,
  type SuiteId,
} from '@opendeg/crypto';
import {
  decodeChallengeResponse,
  decodeElementHex,
  encodeChallengeResponse,
  encodeElementHex,
  keyCeremonyContext,
} from '@opendeg/election';
import { integerOption, parseCommandArgs, takePositionals } from '../args.ts';
import { badInput, CliError, EXIT_FAILED, EXIT_OK, usageError } from '../cli-io.ts';
import type { CommandContext } from '../cli-io.ts';

export const TOKEN_ENV = 'OPENDEG_HOLDER_TOKEN';
export const PASSPHRASE_ENV = 'OPENDEG_KEY_PASSPHRASE';
const STATE_FILE = 'holder.json';
const MIN_PASSPHRASE = 12;

/** What the holder's machine keeps between rounds (DIR/holder.json, mode 0600). */
interface HolderState {
  readonly server: string;
  readonly ceremonyId: string;
  readonly electionId: string;
  readonly keyGroup: string;
  readonly suite: SuiteId;
  readonly partIndex: number;
  readonly token: string;
  readonly transportSecret: string;
  readonly transportKey: string;
}

/** The server's DistributedView, as far as the holder reads it. */
interface View {
  electionId: string;
  keyGroup: string;
  suite: SuiteId;
  n: number;
  k: number;
  round: string;
  self?: number;
  holders: { partIndex: number; holder: string; transportKey?: string }[];
  dealings: { dealer: number; commitments: string[]; proof: { c: string; z: string } }[];
}

export async function runKeys(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    server: { type: 'string' },
    ceremony: { type: 'string' },
    dir: { type: 'string' },
    out: { type: 'string' },
    'scrypt-log-n': { type: 'string' },
  });
  const [step] = takePositionals(positionals, ['enrol|deal|combine']) as [string];
  const dir = values.dir ?? '.';
  if (step === 'enrol') {
    const server = values.server;
    const ceremony = values.ceremony;
    if (server === undefined || ceremony === undefined)
      throw usageError('нужны --server и --ceremony / --server and --ceremony are required');
    return enrol(server, ceremony, dir, ctx);
  }
  if (values.server !== undefined || values.ceremony !== undefined)
    throw usageError(
      `--server и --ceremony берутся из ${STATE_FILE} / --server and --ceremony come from ${STATE_FILE}`,
    );
  const state = await readState(dir);
  if (step === 'deal') return deal(state, ctx);
  if (step === 'combine') {
    const logN =
      values['scrypt-log-n'] === undefined
        ? undefined
        : integerOption(values['scrypt-log-n'], '--scrypt-log-n', 10, 20);
    return combine(state, dir, values.out, logN, ctx);
  }
  throw usageError(`неизвестный этап / unknown step: ${step}`);
}

// ---------------------------------------------------------------------------------------------

async function enrol(server: string, ceremonyId: string, dir: string, ctx: CommandContext): Promise<number> {
  const token = process.env[TOKEN_ENV];
  if (token === undefined || !/^[A-Za-z0-9_-]{43}$/.test(token))
    throw badInput(
      `код держателя — в переменной ${TOKEN_ENV} (43 знака) / the holder token goes in ${TOKEN_ENV} (43 characters)`,
    );
  const base = server.replace(/\/+$/, '');
  const view = await http<View>(base, ceremonyId, token, 'GET', '');
  const partIndex = view.self;
  if (partIndex === undefined)
    throw new CliError(EXIT_FAILED, 'сервер не назвал часть / the server named no part');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const binding: DkgCeremonyBinding = {
    ceremonyId,
    electionId: view.electionId,
    suite: view.suite,
    keyGroup: view.keyGroup,
  };
  const pair = makeTransportKey(binding, partIndex);
  const state: HolderState = {
    server: base,
    ceremonyId,
    electionId: view.electionId,
    keyGroup: view.keyGroup,
    suite: view.suite,
    partIndex,
    token,
    transportSecret: bytesToHex(pair.secret),
    transportKey: bytesToHex(pair.publicKey),
  };
  // Written before posting, and never over an earlier one: a lost transport secret loses the round.
  try {
    await writeFile(join(dir, STATE_FILE), JSON.stringify(state, null, 2) + '\n', {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'EEXIST')
      throw badInput(`${join(dir, STATE_FILE)} уже есть / already exists`);
    throw e;
  }
  await http(base, ceremonyId, token, 'POST', '/enrol', {
    transportKey: state.transportKey,
    proof: encodeChallengeResponse(DKG_TRANSPORT_GROUP, pair.proof),
  });
  ctx.io.stdout(
    `Ключ передачи части ${partIndex} зарегистрирован / transport key of part ${partIndex} enrolled ` +
      `(${view.keyGroup}, ${state.transportKey.slice(0, 16)}…)\n`,
  );
  return EXIT_OK;
}

async function deal(s: HolderState, ctx: CommandContext): Promise<number> {
  const view = await http<View>(s.server, s.ceremonyId, s.token, 'GET', '');
  const g = await loadGroup(s.suite, 'auto');
  const keys = view.holders.map((h) => hexToBytes(h.transportKey ?? ''));
  const d = await holderDeal(
    g,
    keyCeremonyContext(s.electionId, s.suite, s.keyGroup),
    { n: view.n, k: view.k },
    s.partIndex,
    bindingOf(s),
    keys,
  );
  await http(s.server, s.ceremonyId, s.token, 'POST', '/dealing', {
    commitments: d.commitment.commitments.map((c) => encodeElementHex(g, c)),
    proof: encodeChallengeResponse(g, d.commitment.proof),
    shares: d.shares.map((x) => ({
      recipient: x.recipient,
      ephemeral: bytesToHex(x.ephemeral),
      ciphertext: bytesToHex(x.ciphertext),
    })),
  });
  ctx.io.stdout(
    `Доли части ${s.partIndex} розданы / part ${s.partIndex} dealt its shares to ${view.n} holders\n`,
  );
  return EXIT_OK;
}

async function combine(
  s: HolderState,
  dir: string,
  out: string | undefined,
  logN: number | undefined,
  ctx: CommandContext,
): Promise<number> {
  const passphrase = process.env[PASSPHRASE_ENV];
  if (passphrase === undefined || passphrase.length < MIN_PASSPHRASE)
    throw badInput(
      `пароль держателя — в переменной ${PASSPHRASE_ENV}, не короче ${MIN_PASSPHRASE} символов / ` +
        `the holder's passphrase goes in ${PASSPHRASE_ENV}, at least ${MIN_PASSPHRASE} characters`,
    );
  const view = await http<View>(s.server, s.ceremonyId, s.token, 'GET', '');
  const got = await http<{
    shares: { dealer: number; recipient: number; ephemeral: string; ciphertext: string }[];
  }>(s.server, s.ceremonyId, s.token, 'GET', '/shares');
  const g = await loadGroup(s.suite, 'auto');
  const context = keyCeremonyContext(s.electionId, s.suite, s.keyGroup);
  const params = { n: view.n, k: view.k };
  const commitments: DkgCommitment<unknown>[] = view.dealings.map((d) => ({
    dealer: d.dealer,
    commitments: d.commitments.map((c, j) => decodeElementHex(g, c, `dealings[${d.dealer}][${j}]`)),
    proof: decodeChallengeResponse(g, d.proof, `dealings[${d.dealer}].proof`),
  }));
  const received = got.shares.map((x) => ({
    dealer: x.dealer,
    recipient: x.recipient,
    ephemeral: hexToBytes(x.ephemeral),
    ciphertext: hexToBytes(x.ciphertext),
  }));
  const transport = { secret: hexToBytes(s.transportSecret), publicKey: hexToBytes(s.transportKey) };
  let made;
  try {
    made = await holderCombine(
      g,
      context,
      params,
      s.partIndex,
      bindingOf(s),
      transport,
      commitments,
      received,
    );
  } catch (e) {
    if (!(e instanceof CryptoError) || e.code !== 'SHARE_INVALID' || e.index === undefined) throw e;
    // The complaint discloses the key of that one share, so that anyone can judge it.
    const bad = received.find((x) => x.dealer === e.index);
    if (bad === undefined) throw e;
    const d = discloseShareKey(bindingOf(s), transport, bad);
    await http(s.server, s.ceremonyId, s.token, 'POST', '/complaints', {
      dealer: e.index,
      code: 'SHARE_INVALID',
      disclosure: {
        shared: bytesToHex(d.shared),
        proof: encodeChallengeResponse(DKG_TRANSPORT_GROUP, d.proof),
      },
    });
    throw new CliError(
      EXIT_FAILED,
      `доля от части ${e.index} не прошла проверку, жалоба подана; файл не записан / ` +
        `the share from dealer ${e.index} failed its check; a complaint was posted and no file written (SHARE_INVALID)`,
    );
  }
  const verificationKey = encodeElementHex(g, g.multiplyBase(made.share.secret));
  const holder = view.holders[s.partIndex - 1]?.holder;
  const file = await sealKeyPart({
    metadata: {
      suite: s.suite,
      electionId: s.electionId,
      keyGroup: s.keyGroup,
      partIndex: s.partIndex,
      n: view.n,
      k: view.k,
      verificationKey,
      ...(holder === undefined ? {} : { holder }),
    },
    secret: g.encodeScalar(made.share.secret),
    passphrase,
    ...(logN === undefined ? {} : { scrypt: { N: 2 ** logN, r: 8, p: 1 } }),
  });
  const path = out ?? join(dir, `opendeg-${s.electionId}-${s.keyGroup}-part-${s.partIndex}-of-${view.n}.key`);
  await writeFile(path, file, { mode: 0o600, flag: 'wx' });
  const fileSha256 = createHash('sha256').update(file, 'utf8').digest('hex');
  await http(s.server, s.ceremonyId, s.token, 'POST', '/combine', { verificationKey, fileSha256 });
  ctx.io.stdout(
    `Часть ${s.partIndex} из ${view.n} записана / part ${s.partIndex} of ${view.n} written: ${path}\n` +
      `  SHA-256: ${fileSha256}\n  Ключ проверки / verification key: ${verificationKey}\n`,
  );
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------------

function bindingOf(s: HolderState): DkgCeremonyBinding {
  return { ceremonyId: s.ceremonyId, electionId: s.electionId, suite: s.suite, keyGroup: s.keyGroup };
}

async function readState(dir: string): Promise<HolderState> {
  const path = join(dir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw badInput(`нет ${path}: сначала opendeg keys enrol / no ${path}: run opendeg keys enrol first`, e);
  }
  return JSON.parse(text) as HolderState;
}

/** One request to the ceremony's routes with the holder's token; a refusal is the server's message. */
async function http<T = unknown>(
  base: string,
  ceremonyId: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${base}/api/keys/distributed/${encodeURIComponent(ceremonyId)}${path}`, {
      method,
      headers: {
        'x-opendeg-holder-token': token,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new CliError(EXIT_FAILED, `сервер недоступен / the server is unreachable: ${base}`, { cause: e });
  }
  const json = (await res.json().catch(() => ({}))) as T & { code?: string; message?: string };
  if (!res.ok)
    throw new CliError(
      EXIT_FAILED,
      `сервер отказал / the server refused: ${res.status} ${json.code ?? ''} ${json.message ?? ''}`.trimEnd(),
    );
  return json;
}
