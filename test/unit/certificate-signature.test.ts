import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson } from '../../src/canonical-json';
import { isRecordSignatureValid, signRecord, type SignedFields } from '../../src/certificates/certificate-signature';
import { kidOf, loadKeyRing, publicJwks } from '../../src/certificates/signing-keys';

const record: SignedFields = {
  serial: 'PA-2025-000001',
  code: '0123456789ABCDEFGHJK',
  learnerId: '64b7f0c2a1b2c3d4e5f60718',
  holderName: '张伟',
  courseSlug: 'selling-to-the-un',
  courseVersion: 1,
  courseTitle: { en: 'Selling', zh: '销售' },
  completedAt: new Date('2025-01-02T03:04:05Z'),
  issuedAt: new Date('2025-01-03T00:00:00Z'),
  issuer: 'Procurement Academy',
  programme: 'Programme',
  verifyUrl: 'https://academy.example.org/verify/0123-4567-89AB-CDEF-GHJK',
  pdfSha256: 'a'.repeat(64),
  status: 'valid',
  revokedAt: null,
  revocationReason: null,
  supersededAt: null,
  supersededBy: null,
  supersedes: null,
};

describe('canonicalJson', () => {
  it('sorts keys at every level, drops undefined, keeps null and writes dates as ISO strings', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: null, y: undefined }], c: new Date('2025-01-01T00:00:00Z') } })).toBe(
      '{"a":{"c":"2025-01-01T00:00:00.000Z","d":[2,{"z":null}]},"b":1}',
    );
    expect(canonicalJson({ é: 1, e: 2, Z: 3 })).toBe('{"Z":3,"e":2,"é":1}');
  });
});

describe('record signatures', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pa-keys-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates the key once, mode 0600, and loads the same key again', () => {
    const first = loadKeyRing({ dataDir });
    const second = loadKeyRing({ dataDir });
    expect(second.current.kid).toBe(first.current.kid);
    expect(first.current.kid).toBe(kidOf(first.current.publicKey));
    expect(statSync(path.join(dataDir, 'keys', 'certificate-signing.pem')).mode & 0o777).toBe(0o600);
    expect(publicJwks(first).keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', kid: first.current.kid })]);
  });

  it('verifies an untouched record and rejects any change to a signed field', () => {
    const ring = loadKeyRing({ dataDir });
    const signature = signRecord(ring, record);
    expect(isRecordSignatureValid(ring, { ...record, signature })).toBe(true);
    expect(isRecordSignatureValid(ring, { ...record, holderName: '张伟 ', signature })).toBe(false);
    expect(isRecordSignatureValid(ring, { ...record, status: 'revoked', signature })).toBe(false);
    expect(isRecordSignatureValid(ring, { ...record, completedAt: new Date('2025-01-02T03:04:06Z'), signature })).toBe(false);
    expect(isRecordSignatureValid(ring, { ...record, signature: { ...signature, kid: 'unknown' } })).toBe(false);
    expect(isRecordSignatureValid(ring, { ...record, signature: null })).toBe(false);
  });

  it('does not trust a key it was not given', () => {
    const other = loadKeyRing({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'pa-keys-other-')) });
    const ring = loadKeyRing({ dataDir });
    expect(isRecordSignatureValid(ring, { ...record, signature: signRecord(other, record) })).toBe(false);
  });
});
