import { gunzipSync } from 'node:zlib';
import { createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import request from 'supertest';
import { revokeCertificate } from '../../src/certificates/certificate-admin.service';
import { Certificate, StatusListIndex } from '../../src/certificates/certificate.model';
import { issueCertificate } from '../../src/certificates/certificates.service';
import type { CertificateView } from '../../src/certificates/certificate-view';
import { reserveStatusBit } from '../../src/certificates/status-list.service';
import { importCourses } from '../../src/courses/course-importer';
import { CERTIFICATE_COURSE, writeCertificateCourse } from '../support/course-fixtures';
import type { Agent } from '../support/agents';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

type Credential = {
  '@context': string[];
  id: string;
  type: string[];
  issuer: { id: string; name: string };
  validFrom: string;
  credentialSubject: { id: string; identifier: { identityHash: string }[]; achievement: { name: string } };
  credentialStatus: { id: string; type: string; statusPurpose: string; statusListIndex: string; statusListCredential: string };
};

/** Reads bit `index` of a Bitstring Status List's encodedList (multibase "u" + base64url of the GZIP of the bits). */
function statusBit(encodedList: string, index: number): { bit: number; length: number } {
  expect(encodedList.startsWith('u')).toBe(true);
  const bits = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  return { bit: (bits[index >> 3]! >> (7 - (index & 7))) & 1, length: bits.length * 8 };
}

/**
 * Issue 18, sections 3 and 6: the credential checked the way the Open Badges 3.0 spec tells a verifier to
 * ("Verify a Credential"), then its revocation checked through the public Bitstring Status List only.
 */
describe('portable credential (Open Badges 3.0 JWT) and its status list', () => {
  let test: TestApp;
  let counter = 0;
  const email = () => `credential.${(counter += 1)}@example.org`;

  async function issue(name: string): Promise<{ certificate: CertificateView; learner: Agent }> {
    const learner = await signedInUser(test.app, { name, email: email() });
    const { certificate } = await issueCertificate({
      learnerId: learner.id,
      courseSlug: CERTIFICATE_COURSE.slug,
      courseVersion: 1,
      completedAt: new Date('2025-05-20T08:00:00Z'),
    });
    return { certificate, learner: learner.agent };
  }

  /** A URL of ours, fetched as a third party would (over HTTP, no session). */
  const fetchOurs = (url: string) => {
    expect(url.startsWith(`${test.config.baseUrl}/`)).toBe(true);
    return request(test.app).get(new URL(url).pathname);
  };

  async function fetchStatusList(url: string): Promise<{
    credential: Record<string, unknown> & { credentialSubject: { encodedList: string; statusPurpose: string; type: string } };
  }> {
    const response = await fetchOurs(url).buffer(true).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/vc\+jwt/);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    const jwks = (await request(test.app).get('/.well-known/certificate-keys.json').expect(200)).body as JSONWebKeySet;
    const { payload } = await jwtVerify(String(response.text ?? response.body), createLocalJWKSet(jwks), { algorithms: ['RS256'] });
    return { credential: payload as never };
  }

  beforeAll(async () => {
    test = await startTestApp('certificates_credential', { TRUST_PROXY: 'true' });
    await importCourses(writeCertificateCourse());
  });
  afterAll(() => test.close());

  describe('GET /certificates/:serial/credential.jwt', () => {
    it('passes the spec verification steps: header, kid dereferenced over HTTP, RS256 signature, claims equal to the credential fields', async () => {
      const { certificate, learner } = await issue('Badge Holder');
      const jwt = (
        await learner
          .get(`/certificates/${certificate.serial}/credential.jwt`)
          .expect(200)
          .expect('Content-Type', /^application\/jwt/)
      ).text;

      // 1. Decode the header: RS256, a kid that is a URI, typ JWT, and no other header.
      const header = decodeProtectedHeader(jwt);
      expect(Object.keys(header).sort()).toEqual(['alg', 'kid', 'typ']);
      expect(header).toMatchObject({
        alg: 'RS256',
        typ: 'JWT',
        kid: expect.stringMatching(/^http:\/\/.+\/\.well-known\/certificate-keys\/[A-Za-z0-9_-]{16}\.json$/),
      });
      // 2. Dereference the kid: it answers with the public JWK (never a private part).
      const jwk = (await fetchOurs(header.kid!).expect(200)).body as JWK;
      expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: header.kid });
      expect(jwk).not.toHaveProperty('d');
      // 3. Verify with jose, holding only that RS256 key.
      const { payload } = await jwtVerify(jwt, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'] });
      // 4. The payload is the credential itself plus iss, jti, nbf and sub, each equal to its credential field.
      const credential = payload as unknown as Credential & Record<string, unknown>;
      expect(payload).not.toHaveProperty('vc');
      expect(payload).not.toHaveProperty('exp');
      expect(credential['@context']).toEqual([
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ]);
      expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
      expect(payload.iss).toBe(credential.issuer.id);
      expect(payload.iss).toBe(`${test.config.baseUrl}/`);
      expect(payload.jti).toBe(credential.id);
      expect(payload.jti).toBe(certificate.verifyUrl);
      expect(payload.nbf).toBe(Date.parse(credential.validFrom) / 1000);
      expect(payload.sub).toBe(credential.credentialSubject.id);
      // The subject id is a urn:uuid kept (and signed) with the certificate; the name identifier stays.
      const stored = (await Certificate.findOne({ serial: certificate.serial }).lean())!;
      expect(stored.subjectId).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(payload.sub).toBe(stored.subjectId);
      expect(credential.credentialSubject.identifier[0]?.identityHash).toBe('Badge Holder');
      expect(credential.credentialSubject.achievement.name).toBe(CERTIFICATE_COURSE.title.en);
      // 5. credentialStatus points to a Bitstring Status List entry of ours.
      expect(credential.credentialStatus).toEqual({
        id: `${credential.credentialStatus.statusListCredential}#${stored.statusListIndex}`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: String(stored.statusListIndex),
        statusListCredential: `${test.config.baseUrl}/credentials/status/${new Date(certificate.issuedAt).getUTCFullYear()}`,
      });

      // The same token every time (deterministic), and a one-byte change breaks it.
      expect((await learner.get(`/certificates/${certificate.serial}/credential.jwt`).expect(200)).text).toBe(jwt);
      const [encodedHeader, body, signature] = jwt.split('.') as [string, string, string];
      const claims = Buffer.from(body, 'base64url');
      claims[claims.indexOf('Badge Holder')] = 'b'.charCodeAt(0);
      await expect(
        jwtVerify(`${encodedHeader}.${claims.toString('base64url')}.${signature}`, await importJWK(jwk, 'RS256')),
      ).rejects.toThrow();
    });

    it('publishes the RS256 key beside the Ed25519 keys in the key set', async () => {
      const { certificate } = await issue('Key Set');
      const jwks = (await request(test.app).get('/.well-known/certificate-keys.json').expect(200)).body as { keys: JWK[] };
      expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: certificate.signature.kid });
      expect(jwks.keys.filter((key) => key.kty === 'RSA')).toEqual([
        expect.objectContaining({ alg: 'RS256', kid: expect.stringContaining('/.well-known/certificate-keys/') }),
      ]);
      expect(JSON.stringify(jwks)).not.toMatch(/"(d|p|q|dp|dq|qi)"/);
      await request(test.app).get('/.well-known/certificate-keys/AAAAAAAAAAAAAAAA.json').expect(404);
    });
  });

  describe('GET /credentials/status/:list', () => {
    it('is a signed Bitstring Status List whose bit for the credential flips when the certificate is revoked', async () => {
      const { certificate, learner } = await issue('Status Bit');
      const bystander = await issue('Bystander');
      const jwt = (await learner.get(`/certificates/${certificate.serial}/credential.jwt`).expect(200)).text;
      const jwks = (await request(test.app).get('/.well-known/certificate-keys.json').expect(200)).body as JSONWebKeySet;
      const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { algorithms: ['RS256'] });
      const status = (payload as unknown as Credential).credentialStatus;
      const index = Number(status.statusListIndex);

      const before = await fetchStatusList(status.statusListCredential);
      expect(before.credential.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
      expect(before.credential.id).toBe(status.statusListCredential);
      expect(before.credential.credentialSubject).toMatchObject({ type: 'BitstringStatusList', statusPurpose: 'revocation' });
      expect(statusBit(before.credential.credentialSubject.encodedList, index)).toEqual({ bit: 0, length: 131072 });

      const result = await revokeCertificate(
        { id: '64b7f0c2a1b2c3d4e5f60718', role: 'admin' },
        { serial: certificate.serial, reason: 'misconduct', note: '' },
      );
      expect(typeof result).not.toBe('string');

      const after = await fetchStatusList(status.statusListCredential);
      expect(statusBit(after.credential.credentialSubject.encodedList, index).bit).toBe(1);
      const bystanderIndex = (await Certificate.findOne({ serial: bystander.certificate.serial }).lean())!.statusListIndex!;
      expect(statusBit(after.credential.credentialSubject.encodedList, bystanderIndex).bit).toBe(0);
    });

    it('never gives a new certificate a bit another certificate holds, even when the allocation table was edited', async () => {
      const { certificate } = await issue('Bit Holder');
      const held = (await Certificate.findOne({ serial: certificate.serial }).lean())!;
      // A database writer frees the bit and hands it to the next serial.
      await StatusListIndex.collection.deleteOne({ serial: certificate.serial });
      await StatusListIndex.collection.insertOne({ list: held.statusList!, index: held.statusListIndex!, serial: 'PA-2099-000001' });
      const reserved = await reserveStatusBit('PA-2099-000001', held.statusList!);
      expect(reserved.index).not.toBe(held.statusListIndex);
    });

    it('answers 404 for a list name that is not one', async () => {
      await request(test.app).get('/credentials/status/../../etc').expect(404);
      await request(test.app).get('/credentials/status/abcd').expect(404);
    });
  });
});
