import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { statusBitOf } from '../../src/certificates/certificate-format';
import { buildStatusListCredential, subjectIdOf } from '../../src/certificates/credential';
import { readStatusHead, statusHeadDir, writeStatusHead } from '../../src/certificates/status-head';

const bitsOf = (credential: Record<string, unknown>) =>
  gunzipSync(Buffer.from((credential.credentialSubject as { encodedList: string }).encodedList.slice(1), 'base64url'));

describe('buildStatusListCredential', () => {
  const base = {
    baseUrl: 'https://academy.example.org',
    list: '2026',
    issuerName: 'Procurement Academy',
    validFrom: new Date('2026-01-01T00:00:00Z'),
  };

  it('sets bit i as the most significant bit first, in a list of at least 131,072 bits, multibase "u" + base64url of GZIP', () => {
    const credential = buildStatusListCredential({ ...base, setIndexes: [0, 9, 131071] });
    expect(credential).toMatchObject({
      id: 'https://academy.example.org/credentials/status/2026',
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      credentialSubject: {
        id: 'https://academy.example.org/credentials/status/2026#list',
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: expect.stringMatching(/^u[A-Za-z0-9_-]+$/),
      },
    });
    const bits = bitsOf(credential);
    expect(bits.length * 8).toBe(131072);
    expect(bits[0]).toBe(0b1000_0000);
    expect(bits[1]).toBe(0b0100_0000);
    expect(bits[16383]).toBe(0b0000_0001);
    expect(bits.subarray(2, 16383).every((byte) => byte === 0)).toBe(true);
  });

  it('grows by whole 131,072-bit blocks for a larger index, and is the same for the same input', () => {
    expect(bitsOf(buildStatusListCredential({ ...base, setIndexes: [131072] })).length * 8).toBe(262144);
    expect(buildStatusListCredential({ ...base, setIndexes: [5, 7] })).toEqual(buildStatusListCredential({ ...base, setIndexes: [7, 5] }));
  });
});

describe('status bits and subject ids of records issued before them', () => {
  it('uses the signed bit when there is one, else list legacy-<year> at the serial number', () => {
    expect(statusBitOf({ serial: 'PA-2025-000042', statusList: '2025', statusListIndex: 99 })).toEqual({ list: '2025', index: 99 });
    expect(statusBitOf({ serial: 'PA-2025-000042' })).toEqual({ list: 'legacy-2025', index: 42 });
  });

  it('derives a stable urn:uuid (version 5) from the verification URL when none was kept', () => {
    const verifyUrl = 'https://academy.example.org/verify/0123-4567-89AB-CDEF-GHJK';
    const id = subjectIdOf({ verifyUrl });
    expect(id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(subjectIdOf({ verifyUrl })).toBe(id);
    expect(subjectIdOf({ verifyUrl, subjectId: 'urn:uuid:kept' })).toBe('urn:uuid:kept');
  });
});

describe('status log head files', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(path.join(os.tmpdir(), 'pa-head-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));
  const hash = (n: number) => n.toString(16).padStart(64, '0');

  it('reads the highest head whatever order processes wrote them in, and keeps the last 8', () => {
    expect(readStatusHead(dataDir)).toBeNull();
    for (const seq of [3, 1, 12, 2, 5, 4, 6, 7, 8, 9, 10, 11]) writeStatusHead(dataDir, { seq, hash: hash(seq) });
    expect(readStatusHead(dataDir)).toEqual({ seq: 12, hash: hash(12) });
    const names = readdirSync(statusHeadDir(dataDir));
    expect(names).toHaveLength(8);
    expect(names.sort().at(-1)).toBe('head-000000000012.json');
    expect(names.some((name) => name.endsWith('.tmp'))).toBe(false);
  });

  it('refuses a damaged head file rather than trusting it', () => {
    writeStatusHead(dataDir, { seq: 1, hash: hash(1) });
    writeFileSync(path.join(statusHeadDir(dataDir), 'head-000000000002.json'), '{"seq":2,"hash":"nope"}');
    expect(() => readStatusHead(dataDir)).toThrow(/damaged/);
  });
});
