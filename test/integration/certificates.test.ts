import { createHash } from 'node:crypto';
import request from 'supertest';
import { User } from '../../src/accounts/user.model';
import { AuditEntry } from '../../src/audit/audit.model';
import { assignTrainer } from '../../src/access/course-access';
import { CODE_LENGTH, parseCode } from '../../src/certificates/certificate-code';
import { Certificate, SerialReservation } from '../../src/certificates/certificate.model';
import { issueCertificate, renderRecordPdf } from '../../src/certificates/certificates.service';
import { importCourses } from '../../src/courses/course-importer';
import { CERTIFICATE_COURSE, writeCertificateCourse } from '../support/course-fixtures';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';
import { binary, decodeQrInPdf, pdfText } from './certificates.helpers';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const COURSE = { slug: CERTIFICATE_COURSE.slug, ...CERTIFICATE_COURSE.title };
const COMPLETED_AT = new Date('2025-03-12T09:30:00Z');
// Plain http: with https the session cookie is Secure and supertest would not send it back.
const BASE_URL = 'http://academy.example.org';

describe('certificates: issuance and PDF', () => {
  let test: TestApp;
  let counter = 0;
  const email = () => `cert.${(counter += 1)}@example.org`;
  const issueFor = (learnerId: string) =>
    issueCertificate({ learnerId, courseSlug: COURSE.slug, courseVersion: 1, completedAt: COMPLETED_AT });

  beforeAll(async () => {
    test = await startTestApp('certificates', { TRUST_PROXY: 'true', BASE_URL });
    await importCourses(writeCertificateCourse());
  });
  afterAll(() => test.close());

  describe('issueCertificate', () => {
    it('stores exactly one certificate under 20 concurrent calls and returns it to every caller', async () => {
      const user = await User.create({ name: 'Li Na', email: email(), passwordHash: 'x' });
      const results = await Promise.all(Array.from({ length: 20 }, () => issueFor(String(user._id))));

      expect(results.filter((result) => result.isNew)).toHaveLength(1);
      expect(new Set(results.map((result) => result.certificate.serial)).size).toBe(1);
      expect(new Set(results.map((result) => result.certificate.code)).size).toBe(1);
      expect(await Certificate.countDocuments({ learnerId: String(user._id) })).toBe(1);
      expect(await SerialReservation.countDocuments({ issueKey: `${String(user._id)}:${COURSE.slug}:1` })).toBe(1);
      expect(await AuditEntry.countDocuments({ action: 'certificate.issue', targetId: results[0]!.certificate.serial })).toBe(1);

      const { certificate } = results[0]!;
      expect(certificate.serial).toMatch(new RegExp(`^PA-${new Date().getUTCFullYear()}-\\d{6}$`));
      expect(certificate.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
      expect(parseCode(certificate.code)).toEqual({ ok: true, code: certificate.code.replace(/-/g, '') });
      expect(certificate.holderName).toBe('Li Na');
      expect(certificate.courseTitle).toEqual({ en: COURSE.en, zh: COURSE.zh });
      expect(certificate.completedAt.toISOString()).toBe(COMPLETED_AT.toISOString());
      expect(certificate.issuer).toBe('Procurement Academy');
      expect(certificate.verifyUrl).toBe(`${BASE_URL}/verify/${certificate.code}`);
      expect(certificate.signature).toEqual({ alg: 'EdDSA', kid: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/), value: expect.any(String) });
      expect(CODE_LENGTH).toBe(20);

      const again = await issueFor(String(user._id));
      expect(again).toMatchObject({ isNew: false, certificate: { serial: certificate.serial } });
    });

    it('gives concurrent learners consecutive, distinct serials without a counter', async () => {
      const users = await User.insertMany(
        Array.from({ length: 6 }, (_, i) => ({ name: `Learner ${i}`, email: email(), passwordHash: 'x' })),
      );
      const results = await Promise.all(users.map((user) => issueFor(String(user._id))));
      const numbers = results.map((result) => Number(result.certificate.serial.slice(-6))).sort((a, b) => a - b);
      expect(new Set(numbers).size).toBe(6);
      expect(numbers[5]! - numbers[0]!).toBe(5);
    });

    it('keeps the name as spelled at issue time', async () => {
      const user = await User.create({ name: 'Wang Fang', email: email(), passwordHash: 'x' });
      const { certificate } = await issueFor(String(user._id));
      await User.updateOne({ _id: user._id }, { $set: { name: 'Someone Else' } });
      expect((await issueFor(String(user._id))).certificate.holderName).toBe(certificate.holderName);
    });
  });

  describe('GET /certificates/:serial.pdf', () => {
    it.each([
      ['a Chinese name', '张伟'],
      ['a Vietnamese name', 'Nguyễn Thị Minh Khai'],
      ['an Arabic name', 'ليلى حسن'],
    ])('gives the holder a printable PDF with %s, the course, the code and a QR code of the verification URL', async (_label, name) => {
      const learner = await signedInUser(test.app, { name, email: email() });
      const { certificate } = await issueFor(learner.id);

      const response = await learner.agent.get(`/certificates/${certificate.serial}.pdf`).buffer(true).parse(binary).expect(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="${certificate.serial}.pdf"`);
      const pdf = response.body as Buffer;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

      const text = (await pdfText(pdf)).normalize('NFC');
      const words = name.split(' ');
      for (const word of words) expect(text).toContain(word);
      for (const expected of [
        COURSE.en,
        COURSE.zh,
        certificate.code,
        certificate.serial,
        'Certificate of Completion',
        '结业证书',
        certificate.verifyUrl,
        '12 March 2025',
      ]) {
        expect(text).toContain(expected);
      }
      expect(pdf.toString('latin1')).toContain(`/Keywords`);
      expect(pdf.toString('latin1')).toContain(`(${certificate.code} ${certificate.serial} certificate verification)`);
      expect(decodeQrInPdf(pdf)).toBe(certificate.verifyUrl);
    });

    it('sends the same bytes every time, matching the SHA-256 stored at issue', async () => {
      const learner = await signedInUser(test.app, { name: 'Zhou Min', email: email() });
      const { certificate } = await issueFor(learner.id);
      const first = await learner.agent.get(`/certificates/${certificate.serial}.pdf`).buffer(true).parse(binary).expect(200);
      const second = await learner.agent.get(`/certificates/${certificate.serial}.pdf`).buffer(true).parse(binary).expect(200);
      expect(Buffer.compare(first.body as Buffer, second.body as Buffer)).toBe(0);
      expect(
        createHash('sha256')
          .update(first.body as Buffer)
          .digest('hex'),
      ).toBe(certificate.pdfSha256);
      const doc = (await Certificate.findOne({ serial: certificate.serial }).lean())!;
      const rendered = await renderRecordPdf(doc);
      expect(Buffer.compare(rendered, first.body as Buffer)).toBe(0);
    });

    it('refuses other learners and unassigned trainers, lets the course trainer and admins download, and sends visitors to sign in', async () => {
      const owner = await signedInUser(test.app, { name: 'Owner', email: email() });
      const { certificate } = await issueFor(owner.id);
      const url = `/certificates/${certificate.serial}.pdf`;
      const other = await signedInUser(test.app, { name: 'Other', email: email() });
      await other.agent.get(url).expect(403);
      const trainer = await signedInUser(test.app, { name: 'Trainer', email: email(), role: 'trainer' });
      await trainer.agent.get(url).expect(403);
      await assignTrainer(COURSE.slug, trainer.id);
      await trainer.agent.get(url).expect(200).expect('Content-Type', 'application/pdf');
      const admin = await signedInUser(test.app, { name: 'Admin', email: email(), role: 'admin' });
      await admin.agent.get(url).expect(200);
      await request(test.app)
        .get(url)
        .expect(303)
        .expect('Location', `/login?next=${encodeURIComponent(url)}`);
      await owner.agent.get('/certificates/PA-1999-000001.pdf').expect(404);
      await owner.agent.get('/certificates/not-a-serial.pdf').expect(404);
    });
  });

  describe('GET /certificates', () => {
    it("lists the learner's certificates with download and verification links", async () => {
      const learner = await signedInUser(test.app, { name: 'Chen Jie', email: email() });
      const { certificate } = await issueFor(learner.id);
      const page = await learner.agent.get('/certificates').expect(200);
      expect(page.text).toContain(certificate.serial);
      expect(page.text).toContain(`href="/certificates/${certificate.serial}.pdf"`);
      expect(page.text).toContain(`href="/certificates/${certificate.serial}/credential.jwt"`);
      expect(page.text).toContain(`href="/verify/${certificate.code}"`);
    });
  });
});
