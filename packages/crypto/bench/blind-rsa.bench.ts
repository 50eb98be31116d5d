// RFC 9474 blind RSA timings for `crypto.bench.ts`: the issuer's Node signer, the voter device's
// blind and finalize (blindrsa-ts), and the ballot box's verify, per modulus size.
import {
  blindRsaMessage,
  finalizeBlindRsaSignature,
  importBlindRsaPublicKey,
  prepareBlindRsaMessage,
  verifyBlindRsaSignature,
} from '../src/blind-rsa.ts';
import { blindSign, exportIssuerPublicKeySpki, generateIssuerKey } from '../src/node/blind-rsa-signer.ts';
import { measure, measureAsync } from './measure.ts';

export async function benchBlindRsa(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const bits of [2048, 3072] as const) {
    const { privateKey, publicKey } = await generateIssuerKey(bits);
    const spki = exportIssuerPublicKeySpki(publicKey);
    const key = await importBlindRsaPublicKey(spki);
    const msg = prepareBlindRsaMessage(new TextEncoder().encode('credential public key'));
    const { blindedMsg, state } = await blindRsaMessage(key, msg);
    const blindSig = blindSign(privateKey, blindedMsg);
    const sig = await finalizeBlindRsaSignature(key, state, blindSig);
    if (!(await verifyBlindRsaSignature(key, msg, sig)))
      throw new Error('bench: blind signature does not verify');
    out[`rsa${bits}`] = {
      issuerBlindSignMs: measure(() => blindSign(privateKey, blindedMsg), 1000).msPerOp,
      clientBlindMs: (await measureAsync(() => blindRsaMessage(key, msg), 1500)).msPerOp,
      clientFinalizeMs: (await measureAsync(() => finalizeBlindRsaSignature(key, state, blindSig), 1000))
        .msPerOp,
      verifyMs: (await measureAsync(() => verifyBlindRsaSignature(key, msg, sig), 1000)).msPerOp,
    };
  }
  return out;
}
