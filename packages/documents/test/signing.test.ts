// RFC 5652 detached CMS signatures over the forms' canonical JSON and PDF bytes, checked by
// `openssl cms -verify` and by our verifier: the chairman and secretary sign lists and registers
// (P-3.6, P-7.3), every present member signs the protocol (P-7.9).
import { beforeAll, describe, expect, test } from 'vitest';
import { generateMemberKeyFile, issueMemberCertificate, verifyAllSigners } from '@opendeg/deg';
import type { CommissionCa } from '@opendeg/deg';
import { documentBytes } from '../src/document.ts';
import type { FormId } from '../src/document.ts';
import { buildExclusionRegister } from '../src/exclusion-register.ts';
import { buildObserverList } from '../src/observer-list.ts';
import { renderDocumentPdfs } from '../src/render.ts';
import type { FormDocument } from '../src/render.ts';
import { buildResultsData } from '../src/results-data.ts';
import { buildParticipantList, renderParticipantList } from '../src/participant-list.ts';
import { buildProtocol, renderProtocol } from '../src/protocol.ts';
import type { MemberSigning, ProtocolDocument } from '../src/protocol.ts';
import {
  signDocument,
  signDocumentWithKeyFile,
  signForm,
  verifyOfficerSignatures,
  verifyProtocolSignatures,
} from '../src/signing.ts';
import { CANDIDATES, LONG_ADDRESS, config, tatarstanList, trainingCa } from './fixture.ts';
import type { MemberSigner } from './fixture.ts';
import { Scratch, requireTools } from './tools.ts';

const signingTime = new Date();

/** The same bytes with one byte changed. */
function tamper(bytes: Uint8Array, at = Math.floor(bytes.length / 2)): Uint8Array {
  const out = bytes.slice();
  out[at] = (out[at] as number) ^ 0x01;
  return out;
}

describe('signed forms', () => {
  const fs = new Scratch();
  let ca: CommissionCa;
  let signers: Map<string, MemberSigner>;
  let caFile: string;
  let listJson: Uint8Array;
  let listPdf: Uint8Array;
  let protocol: ProtocolDocument;
  let protocolJson: Uint8Array;
  let protocolPdf: Uint8Array;
  const signer = (id: string): MemberSigner => signers.get(id) as MemberSigner;

  beforeAll(async () => {
    requireTools();
    const c = config();
    ({ ca, signers } = await trainingCa(c));
    caFile = fs.write('training-ca.pem', ca.certificate.pem);
    const list = tatarstanList();
    const built = buildParticipantList({
      config: c,
      region: '16',
      rows: list.rows(),
      counts: list.counts(),
      finalAt: new Date('2024-03-17T17:00:00Z'),
      generatedAt: new Date('2024-03-17T17:05:00Z'),
    });
    if (!built.ok) throw new Error(built.code);
    listJson = documentBytes(built.document);
    for await (const part of renderParticipantList(built.document)) listPdf = part.pdf;
    const members = c.commission.members.map((m): MemberSigning =>
      m.id === 'm07' ? { memberId: m.id, signs: false, reason: 'болезнь' } : { memberId: m.id, signs: true },
    );
    const p = buildProtocol({
      config: c,
      region: '16',
      candidates: CANDIDATES,
      results: {
        onList: 10,
        ballotsIssued: 9,
        ballotsCast: 8,
        invalid: 1,
        votes: { c1: 1, c2: 4, c3: 2, c4: 0 },
      },
      members,
      generatedAt: new Date('2024-03-17T18:25:00Z'),
    });
    if (!p.ok) throw new Error(p.code);
    protocol = p.document;
    protocolJson = documentBytes(protocol);
    protocolPdf = (await renderProtocol(protocol)).pdf;
  });

  test('P-7.3 the final list’s JSON and PDF signed by the chairman and the secretary; openssl accepts each file', async () => {
    const signed = await signForm(
      { json: listJson, pdfs: [listPdf] },
      [signer('m01'), signer('m03')],
      signingTime,
    );
    expect(signed.json).toHaveLength(2);
    expect(signed.pdfs).toHaveLength(1);
    for (const [content, sigs] of [
      [listJson, signed.json],
      [listPdf, signed.pdfs[0]!],
    ] as const) {
      for (const sig of sigs) {
        const der = fs.cmsVerify(sig.der, content, caFile);
        expect(der.status, der.stderr).toBe(0);
        expect(der.stderr).toContain('Verification successful');
        const pem = fs.cmsVerify(sig.pem, content, caFile);
        expect(pem.status, pem.stderr).toBe(0);
      }
      const report = await verifyOfficerSignatures({
        content,
        signatures: sigs.map((s) => s.der),
        trustedRoots: [ca.certificate.der],
      });
      expect(report.ok).toBe(true);
      expect(report.signers.map((s) => s.identity.memberId)).toEqual(['m01', 'm03']);
    }
  });

  test('P-7.3 a document changed by one byte is rejected by openssl and by the verifier', async () => {
    const [sig] = await signDocument(listJson, [signer('m01')], signingTime);
    for (const [content, at] of [
      [listJson, 0],
      [listJson, listJson.length - 1],
      [listPdf, Math.floor(listPdf.length / 2)],
    ] as const) {
      const changed = tamper(content, at);
      const original =
        content === listJson ? sig! : (await signDocument(listPdf, [signer('m01')], signingTime))[0]!;
      expect(fs.cmsVerify(original.der, content, caFile).status).toBe(0);
      const r = fs.cmsVerify(original.der, changed, caFile);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/digest failure|verification failure/i);
      const report = await verifyAllSigners({
        content: changed,
        signatures: [original.der],
        trustedRoots: [ca.certificate.der],
      });
      expect(report.ok).toBe(false);
      expect(report.failures[0]?.code).toBe('CMS_DIGEST_MISMATCH');
    }
  });

  test('P-3.6 a list or register without the secretary’s signature is reported', async () => {
    const sigs = await signDocument(listJson, [signer('m01')], signingTime);
    const report = await verifyOfficerSignatures({
      content: listJson,
      signatures: sigs.map((s) => s.der),
      trustedRoots: [ca.certificate.der],
    });
    expect(report.ok).toBe(false);
    expect(report.missingRoles).toEqual(['secretary']);
  });

  test('P-7.9 every present member signs the protocol, one file each; the member with a reason does not', async () => {
    const present = protocol.members.filter((m) => m.signs).map((m) => signer(m.memberId));
    expect(present).toHaveLength(11);
    const sigs = await signDocument(protocolJson, present, signingTime);
    for (const sig of sigs) {
      const r = fs.cmsVerify(sig.der, protocolJson, caFile);
      expect(r.status, r.stderr).toBe(0);
    }
    const pdfSigs = await signDocument(protocolPdf, present, signingTime);
    expect(fs.cmsVerify(pdfSigs[5]!.pem, protocolPdf, caFile).status).toBe(0);
    const all = await verifyProtocolSignatures({
      protocol,
      content: protocolJson,
      signatures: sigs.map((s) => s.der),
      trustedRoots: [ca.certificate.der],
    });
    expect(all.ok).toBe(true);
    expect(all.missingMembers).toEqual([]);
    // One present member's signature missing: the protocol is not fully signed.
    const without = sigs.filter((_, i) => present[i]?.memberId !== 'm05');
    const short = await verifyProtocolSignatures({
      protocol,
      content: protocolJson,
      signatures: without.map((s) => s.der),
      trustedRoots: [ca.certificate.der],
    });
    expect(short.ok).toBe(false);
    expect(short.missingMembers).toEqual(['m05']);
    // Signatures over the PDF do not stand for the JSON.
    const crossed = await verifyProtocolSignatures({
      protocol,
      content: protocolJson,
      signatures: pdfSigs.map((s) => s.der),
      trustedRoots: [ca.certificate.der],
    });
    expect(crossed.ok).toBe(false);
  });

  test('every form — Appendices 1, 3, 4, 5, 7 — signed over its JSON and its PDF, each accepted by openssl', async () => {
    const c = config();
    const at = new Date('2024-03-17T19:00:00Z');
    const list = tatarstanList();
    const docs: FormDocument[] = [];
    const push = (r: { ok: true; document: FormDocument } | { ok: false; code: string }): void => {
      if (!r.ok) throw new Error(r.code);
      docs.push(r.document);
    };
    push(
      buildParticipantList({
        config: c,
        region: '16',
        rows: list.rows(),
        counts: list.counts(),
        generatedAt: at,
      }),
    );
    push(
      buildExclusionRegister({
        config: c,
        region: '16',
        precinct: '1',
        rows: list.precinctRegisters().get('1') ?? [],
        territorialCommission: {
          name: 'ТИК Вахитовского района г. Казани',
          ksaNumber: '1601',
          chairman: 'Хабибуллина Ляйсан Рустемовна',
          secretary: 'Орлов Семён Аркадьевич',
        },
        generatedAt: at,
      }),
    );
    docs.push(protocol);
    push(buildResultsData({ protocol, regionalCommission: 'ЦИК Республики Татарстан', generatedAt: at }));
    push(
      buildObserverList({
        config: c,
        appointedBy: { fullName: 'Харитонов Николай Михайлович', capacity: 'зарегистрированный кандидат' },
        observers: [
          {
            fullName: 'Шмелёв Олег Игоревич',
            birthDate: '1992-12-31',
            address: LONG_ADDRESS,
            passport: { series: '45 11', number: '123321' },
          },
        ],
        generatedAt: at,
      }),
    );
    expect(docs.map((d) => d.form)).toEqual<FormId[]>([
      'appendix-1',
      'appendix-3',
      'appendix-4',
      'appendix-5',
      'appendix-7',
    ]);
    for (const doc of docs) {
      const json = documentBytes(doc);
      const pdfs = await renderDocumentPdfs(doc);
      expect(pdfs).toHaveLength(1);
      const signed = await signForm({ json, pdfs }, [signer('m01')], signingTime);
      const forJson = fs.cmsVerify(signed.json[0]!.der, json, caFile);
      expect(forJson.status, `${doc.form}: ${forJson.stderr}`).toBe(0);
      const forPdf = fs.cmsVerify(signed.pdfs[0]![0]!.der, pdfs[0]!, caFile);
      expect(forPdf.status, `${doc.form}: ${forPdf.stderr}`).toBe(0);
      expect(fs.cmsVerify(signed.pdfs[0]![0]!.der, tamper(pdfs[0]!), caFile).status).not.toBe(0);
    }
  });

  test('P-7.9 a member signs from a key file: the passphrase opens it for the one call; a wrong one fails', async () => {
    const c = config();
    const member = c.commission.members.find((m) => m.id === 'm08')!;
    const { keyFile, publicKey } = await generateMemberKeyFile('правильный пароль 2024', {
      iterations: 1000,
    });
    const now = Date.now();
    const cert = await issueMemberCertificate(ca, {
      member: { id: member.id, fullName: member.fullName, role: member.role },
      organisation: 'Центральная избирательная комиссия Российской Федерации',
      publicKey,
      validity: { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 86_400_000) },
    });
    const ok = await signDocumentWithKeyFile({
      content: protocolPdf,
      keyFile: keyFile.pem,
      passphrase: 'правильный пароль 2024',
      certificate: cert.pem,
      signingTime,
    });
    if (!ok.ok) throw new Error(ok.code);
    const r = fs.cmsVerify(ok.signature.der, protocolPdf, caFile);
    expect(r.status, r.stderr).toBe(0);
    const wrong = await signDocumentWithKeyFile({
      content: protocolPdf,
      keyFile: keyFile.pem,
      passphrase: 'неправильный пароль',
      certificate: cert.pem,
      signingTime,
    });
    expect(!wrong.ok && wrong.code).toBe('KEY_FILE_WRONG_PASSPHRASE');
    await expect(signDocument(protocolPdf, [], signingTime)).rejects.toThrow(RangeError);
  });
});
