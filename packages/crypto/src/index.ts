/**
 * @opendeg/crypto — the cryptographic core. Pure: no I/O, runs in the browser and in Node.
 * Node-only parts (the RSA blind signer) live in `@opendeg/crypto/node`.
 */

export * from './errors.ts';
export * from './bytes.ts';
export * from './canonical-json.ts';
export * from './group.ts';
export * from './suites.ts';
export { ristretto255, RISTRETTO255_ORDER } from './groups/ristretto255.ts';
export type { RistrettoElement } from './groups/ristretto255.ts';
export { loadSodiumRistretto255 } from './groups/ristretto255-sodium.ts';
export type { SodiumRistrettoElement } from './groups/ristretto255-sodium.ts';
export { gost256b, gost256bCurve, GOST256B_PARAMS } from './groups/gost256b.ts';
export type { Gost256bElement } from './groups/gost256b.ts';
export { belenios2048, BELENIOS_2048_PARAMS, checkBelenios2048Element } from './groups/belenios-2048.ts';
export * from './hash/streebog.ts';
export * from './gost/gost3410.ts';
export * from './transcript.ts';
export * from './elgamal.ts';
export * from './proofs/schnorr.ts';
export * from './proofs/dleq.ts';
export * from './proofs/membership.ts';
export * from './proofs/signature.ts';
export * from './threshold/shamir.ts';
export * from './threshold/keys.ts';
export * from './threshold/pedersen-dkg.ts';
export * from './threshold/decryption.ts';
export * from './dlog.ts';
export * from './answer.ts';
export * from './batch.ts';
export * from './blind-rsa.ts';
export * from './key-part-file.ts';
export * from './dkg-transport.ts';
