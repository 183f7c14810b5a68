import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import request from 'supertest';
import { AuditEntry } from '../../src/audit/audit.model';
import { assignTrainer } from '../../src/access/course-access';
import { Certificate } from '../../src/certificates/certificate.model';
import { configureCertificates } from '../../src/certificates/certificates.context';
import { issueCertificate } from '../../src/certificates/certificates.service';
import type { CertificateView } from '../../src/certificates/certificate-view';
import { rotateSigningKey } from '../../src/certificates/signing-keys';
import { importCourses } from '../../src/courses/course-importer';
import { CERTIFICATE_COURSE, writeCertificateCourse } from '../support/course-fixtures';
import { csrfFrom, newAgent, type Agent } from '../support/agents';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('certificate administration and credentials', () => {
  let test: TestApp;
  let admin: Agent;
  let counter = 0;
  const email = () => `admin.cert.${(counter += 1)}@example.org`;

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

  async function postForm(url: string, pageUrl: string, fields: Record<string, string>) {
    const token = csrfFrom((await admin.get(pageUrl).expect(200)).text);
    return admin
      .post(url)
      .type('form')
      .send({ _csrf: token, ...fields });
  }

  const verdict = async (code: string) =>
    (await newAgent(test.app).get(`/verify/${code}`).set('Accept', 'application/json')).body as Record<string, unknown>;

  beforeAll(async () => {
    test = await startTestApp('certificates_admin', { TRUST_PROXY: 'true' });
    await importCourses(writeCertificateCourse());
    admin = (await signedInUser(test.app, { name: 'Ada Admin', email: email(), role: 'admin' })).agent;
  });
  afterAll(() => test.close());

  describe('GET /admin/certificates', () => {
    it('lists and searches certificates by serial, code and holder name, for admins and the course trainers', async () => {
      const { certificate, learner } = await issue('Liu Yang');
      for (const q of [certificate.serial, certificate.code.toLowerCase(), 'liu ya']) {
        const page = await admin.get(`/admin/certificates?q=${encodeURIComponent(q)}`).expect(200);
        expect(page.text).toContain(`href="/admin/certificates/${certificate.serial}"`);
      }
      const none = await admin.get('/admin/certificates?q=nobody-has-this-name').expect(200);
      expect(none.text).toContain('No certificates match.');
      await learner.get('/admin/certificates').expect(403);
      const trainer = await signedInUser(test.app, { name: 'Trainer', email: email(), role: 'trainer' });
      expect((await trainer.agent.get(`/admin/certificates?q=${certificate.serial}`).expect(200)).text).toContain('No certificates match.');
      await trainer.agent.get(`/admin/certificates/${certificate.serial}`).expect(403);
      await assignTrainer(CERTIFICATE_COURSE.slug, trainer.id);
      expect((await trainer.agent.get(`/admin/certificates?q=${certificate.serial}`).expect(200)).text).toContain(certificate.serial);
      await trainer.agent.get(`/admin/certificates/${certificate.serial}`).expect(200);
    });
  });

  describe('POST /admin/certificates/:serial/revoke', () => {
    it('revokes with a reason category; the public page says so and the holder can no longer download it', async () => {
      const { certificate, learner } = await issue('Revoked Person');
      const pageUrl = `/admin/certificates/${certificate.serial}`;
      const bad = await postForm(`${pageUrl}/revoke`, pageUrl, { reason: 'because', note: '' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Choose a reason.');

      const response = await postForm(`${pageUrl}/revoke`, pageUrl, { reason: 'issued-in-error', note: 'Duplicate enrolment' });
      expect(response.status).toBe(303);
      const show = await admin.get(response.headers.location!).expect(200);
      expect(show.text).toContain('The certificate was revoked.');
      expect(show.text).toContain('Duplicate enrolment');

      const page = await newAgent(test.app).get(`/verify/${certificate.code}`).expect(200);
      expect(page.text).toContain('Revoked certificate');
      expect(page.text).toContain('Issued in error');
      expect(page.text).not.toContain('Duplicate enrolment');
      expect(await verdict(certificate.code)).toMatchObject({
        status: 'revoked',
        revocationReason: 'issued-in-error',
        revokedAt: expect.any(String),
      });

      await learner.get(`/certificates/${certificate.serial}.pdf`).expect(410);
      await learner.get(`/certificates/${certificate.serial}/credential.jwt`).expect(410);
      const audit = await AuditEntry.findOne({ targetId: certificate.serial, action: 'certificate.revoke' }).lean();
      expect(audit).toMatchObject({ before: { status: 'valid' }, after: { status: 'revoked', revocationReason: 'issued-in-error' } });
      expect(audit?.actorId).toMatch(/^[0-9a-f]{24}$/);

      const again = await postForm(`${pageUrl}/revoke`, pageUrl, { reason: 'other' });
      expect(again.status).toBe(409);
    });
  });

  describe('POST /admin/certificates/:serial/correct', () => {
    it('issues a new certificate for the corrected name and marks the old one superseded by it', async () => {
      const { certificate, learner } = await issue('Zhang Wie');
      const pageUrl = `/admin/certificates/${certificate.serial}`;
      const response = await postForm(`${pageUrl}/correct`, pageUrl, { name: 'Zhang Wei 张伟' });
      expect(response.status).toBe(303);

      const old = (await Certificate.findOne({ serial: certificate.serial }).lean())!;
      expect(old.status).toBe('superseded');
      const replacement = (await Certificate.findOne({ serial: old.supersededBy! }).lean())!;
      expect(replacement).toMatchObject({
        holderName: 'Zhang Wei 张伟',
        supersedes: certificate.serial,
        status: 'valid',
        courseSlug: CERTIFICATE_COURSE.slug,
      });
      expect(replacement.code).not.toBe(old.code);

      const oldPage = await newAgent(test.app).get(`/verify/${certificate.code}`).expect(200);
      expect(oldPage.text).toContain('Replaced certificate');
      expect(oldPage.text).toContain(replacement.serial);
      expect(await verdict(certificate.code)).toMatchObject({ status: 'superseded', supersededBy: replacement.serial });
      expect(await verdict(replacement.code)).toMatchObject({ status: 'valid', holder: 'Zhang Wei 张伟' });

      const list = await learner.get('/certificates').expect(200);
      expect(list.text).toContain(replacement.serial);
      await learner.get(`/certificates/${replacement.serial}.pdf`).expect(200);
      const reissue = await issueCertificate({
        learnerId: old.learnerId,
        courseSlug: CERTIFICATE_COURSE.slug,
        courseVersion: 1,
        completedAt: new Date(),
      });
      expect(reissue).toMatchObject({ isNew: false, certificate: { serial: replacement.serial } });
      expect(await AuditEntry.countDocuments({ targetId: certificate.serial, action: 'certificate.correct-name' })).toBe(1);

      const same = await postForm(`/admin/certificates/${replacement.serial}/correct`, `/admin/certificates/${replacement.serial}`, {
        name: 'Zhang Wei 张伟',
      });
      expect(same.status).toBe(409);
      expect(same.text).toContain('The corrected name is the same as the current one.');
    });
  });

  describe('GET /certificates/:serial/credential.jwt', () => {
    it('is an Open Badges 3.0 credential signed with a published RS256 key (details: certificates-credential.test.ts)', async () => {
      const { certificate, learner } = await issue('Badge Holder');
      const response = await learner.get(`/certificates/${certificate.serial}/credential.jwt`).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/jwt/);
      const jwks = (await request(test.app).get('/.well-known/certificate-keys.json').expect(200)).body as JSONWebKeySet;
      const { payload } = await jwtVerify(response.text, createLocalJWKSet(jwks), {
        issuer: `${test.config.baseUrl}/`,
        algorithms: ['RS256'],
      });
      expect(payload).toMatchObject({ jti: certificate.verifyUrl, type: ['VerifiableCredential', 'OpenBadgeCredential'] });
    });
  });

  describe('signing key rotation', () => {
    it('keeps old certificates verifiable and publishes both keys', async () => {
      const { certificate: before } = await issue('Before Rotation');
      const { retiredKid, newKid } = rotateSigningKey(test.config.dataDir);
      expect(retiredKid).toBe(before.signature.kid);
      configureCertificates(test.config);
      const { certificate: after } = await issue('After Rotation');
      expect(after.signature.kid).toBe(newKid);
      expect(await verdict(before.code)).toMatchObject({ status: 'valid', signature: { kid: retiredKid } });
      expect(await verdict(after.code)).toMatchObject({ status: 'valid', signature: { kid: newKid } });
      const jwks = (await request(test.app).get('/.well-known/certificate-keys.json').expect(200)).body as JSONWebKeySet;
      expect(jwks.keys.filter((key) => key.kty === 'OKP').map((key) => key.kid)).toEqual([newKid, retiredKid]);
    });
  });
});
