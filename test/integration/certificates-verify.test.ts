import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { User } from '../../src/accounts/user.model';
import { checkSymbol, CROCKFORD } from '../../src/certificates/certificate-code';
import { signFileHash } from '../../src/certificates/certificate-signature';
import { Certificate, CertificateFile } from '../../src/certificates/certificate.model';
import { keyRing } from '../../src/certificates/certificates.context';
import { loadKeyRing } from '../../src/certificates/signing-keys';
import { issueCertificate } from '../../src/certificates/certificates.service';
import type { CertificateView } from '../../src/certificates/certificate-view';
import { importCourses } from '../../src/courses/course-importer';
import { CERTIFICATE_COURSE, writeCertificateCourse } from '../support/course-fixtures';
import { commandsDuring } from '../support/db-commands';
import { newAgent } from '../support/agents';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';
import { binary } from './certificates.helpers';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
const LIMIT = 20;

/** Changes the check symbol so the code has a typo in its last character. */
function withTypo(code: string): string {
  const last = code.at(-1)!;
  return code.slice(0, -1) + (CROCKFORD[(CROCKFORD.indexOf(last) + 1) % 32] as string);
}

describe('certificate verification', () => {
  let test: TestApp;
  let counter = 0;
  const email = () => `verify.${(counter += 1)}@example.org`;

  async function issue(name: string): Promise<{ certificate: CertificateView; pdf: Buffer }> {
    const learner = await signedInUser(test.app, { name, email: email() });
    const { certificate } = await issueCertificate({
      learnerId: learner.id,
      courseSlug: CERTIFICATE_COURSE.slug,
      courseVersion: 1,
      completedAt: new Date('2025-06-01T12:00:00Z'),
    });
    const pdf = await learner.agent.get(`/certificates/${certificate.serial}.pdf`).buffer(true).parse(binary).expect(200);
    return { certificate, pdf: pdf.body as Buffer };
  }

  beforeAll(async () => {
    test = await startTestApp('certificates_verify', { TRUST_PROXY: 'true', CERT_VERIFY_LIMIT_PER_MINUTE: String(LIMIT) });
    await importCourses(writeCertificateCourse());
  });
  afterAll(() => test.close());

  describe('GET /verify/:code', () => {
    it('shows a valid certificate to anyone, in HTML and in JSON', async () => {
      const { certificate } = await issue('张伟');
      const page = await newAgent(test.app).get(`/verify/${certificate.code}`).expect(200);
      expect(page.headers['cache-control']).toBe('no-store');
      for (const expected of [
        'Valid certificate',
        '张伟',
        CERTIFICATE_COURSE.title.en,
        CERTIFICATE_COURSE.title.zh,
        '1 June 2025',
        certificate.serial,
        'Procurement Academy',
        certificate.signature.kid,
      ]) {
        expect(page.text).toContain(expected);
      }
      const zh = await newAgent(test.app).get(`/verify/${certificate.code}?lang=zh-CN`).expect(200);
      expect(zh.text).toContain('有效证书');
      expect(zh.text).toContain('2025年6月1日');

      const json = await newAgent(test.app).get(`/verify/${certificate.code}`).set('Accept', 'application/json').expect(200);
      expect(json.body).toEqual({
        status: 'valid',
        holder: '张伟',
        course: { slug: CERTIFICATE_COURSE.slug, version: 1, title: CERTIFICATE_COURSE.title },
        completedAt: '2025-06-01T12:00:00.000Z',
        issuedAt: certificate.issuedAt.toISOString(),
        issuer: 'Procurement Academy',
        serial: certificate.serial,
        revokedAt: null,
        revocationReason: null,
        supersededBy: null,
        signature: { alg: 'EdDSA', kid: certificate.signature.kid, value: certificate.signature.value },
        integrity: null,
        // How it was earned: the assessment terms of the course version (issue 15), never a learner's answers.
        assessment: {
          completion: 'modules-and-quizzes',
          passMark: 100,
          quizzes: [
            { module: 'module-1', title: { en: 'Module 1', zh: '第 1 单元' }, drawn: 2, pool: 2 },
            { module: 'module-2', title: { en: 'Module 2', zh: '第 2 单元' }, drawn: 2, pool: 2 },
          ],
          drawn: 4,
          pool: 4,
          maxAttempts: null,
          retakeAfterMinutes: 0,
          retakeWaitFrom: 'first-failure',
          review: 'after-pass',
        },
      });
    });

    it('accepts the code without dashes, in lower case, and with O, I and L for 0 and 1', async () => {
      const { certificate } = await issue('Tran Van An');
      const plain = certificate.code.replace(/-/g, '');
      const sloppy = plain.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
      for (const variant of [plain, plain.toLowerCase(), sloppy, ` ${certificate.code.toLowerCase()} `.trim()]) {
        const json = await newAgent(test.app)
          .get(`/verify/${encodeURIComponent(variant)}`)
          .set('Accept', 'application/json')
          .expect(200);
        expect(json.body).toMatchObject({ status: 'valid', serial: certificate.serial });
      }
    });

    it('catches a typo with the check character, before any database lookup', async () => {
      const { certificate } = await issue('Typo Test');
      // The driver's command monitoring sees every lookup, whatever method or collection it uses. Commands on
      // other collections (the rate limiter's shared counts, sessions) may run in the background meanwhile.
      const background = new Set(['rateLimitHits', 'sessions']);
      const lookups = (commands: Awaited<ReturnType<typeof commandsDuring>>) =>
        commands.filter((command) => !background.has(command.collection ?? '')).map((c) => `${c.name} ${c.collection ?? ''}`);
      // The recorder does see a lookup: a good code is looked up in the certificates.
      const good = await commandsDuring(() => newAgent(test.app).get(`/verify/${certificate.code}`).expect(200));
      expect(lookups(good)).toContain('find certificates');

      const typos = await commandsDuring(async () => {
        const page = await newAgent(test.app)
          .get(`/verify/${withTypo(certificate.code)}`)
          .expect(400);
        expect(page.text).toContain('This code has a typo');
        const json = await newAgent(test.app)
          .get(`/verify/${withTypo(certificate.code)}`)
          .set('Accept', 'application/json')
          .expect(400);
        expect(json.body).toMatchObject({ status: 'typo', holder: null, serial: null, signature: null });
        const swapped =
          certificate.code.slice(0, 1) + certificate.code.slice(2, 3) + certificate.code.slice(1, 2) + certificate.code.slice(3);
        if (swapped !== certificate.code) await newAgent(test.app).get(`/verify/${swapped}`).expect(400);
        await newAgent(test.app)
          .get('/verify/ABC')
          .set('Accept', 'application/json')
          .expect(400, /"malformed"/);
      });
      expect(lookups(typos)).toEqual([]);
    });

    it('answers not found for a well-formed code that was never issued', async () => {
      const data = '7K3M9QW2XR5TB8NVHJ4';
      const code = data + checkSymbol(data);
      const page = await newAgent(test.app).get(`/verify/${code}`).expect(404);
      expect(page.text).toContain('No certificate found');
      const json = await newAgent(test.app).get(`/verify/${code}`).set('Accept', 'application/json').expect(404);
      expect(Object.keys(json.body).sort()).toEqual([
        'assessment',
        'completedAt',
        'course',
        'holder',
        'integrity',
        'issuedAt',
        'issuer',
        'revocationReason',
        'revokedAt',
        'serial',
        'signature',
        'status',
        'supersededBy',
      ]);
      expect(json.body.status).toBe('not_found');
      expect(json.body.assessment).toBeNull();
    });

    it('says "this record was altered" when the stored record no longer matches its signature', async () => {
      const { certificate } = await issue('Honest Name');
      await Certificate.collection.updateOne({ serial: certificate.serial }, { $set: { holderName: 'Forged Name' } });
      const page = await newAgent(test.app).get(`/verify/${certificate.code}`).expect(200);
      expect(page.text).toContain('this record was altered');
      expect(page.text).not.toContain('Forged Name');
      const json = await newAgent(test.app).get(`/verify/${certificate.code}`).set('Accept', 'application/json').expect(200);
      expect(json.body).toMatchObject({ status: 'invalid', holder: null });
    });

    it('answers 429 once a client has made too many checks in a minute', async () => {
      const agent = newAgent(test.app);
      for (let i = 0; i < LIMIT; i += 1) await agent.get('/verify/ABC').expect(400);
      const blocked = await agent.get('/verify/ABC').expect(429);
      expect(blocked.headers['retry-after']).toBeDefined();
      expect(blocked.text).toContain('Too many checks');
      await newAgent(test.app).get('/verify/ABC').expect(400);
    });
  });

  describe('GET /verify', () => {
    it('shows the code form and the PDF upload form without sign-in, and sends a good code to its page', async () => {
      const agent = newAgent(test.app);
      const page = await agent.get('/verify').expect(200);
      expect(page.text).toContain('<label for="code">');
      expect(page.text).toMatch(/<form method="post" action="\/verify\/pdf\?_csrf=[^"]+" enctype="multipart\/form-data"/);
      const { certificate } = await issue('Form User');
      await agent.get(`/verify?code=${certificate.code.toLowerCase()}`).expect(303).expect('Location', `/verify/${certificate.code}`);
      const typo = await agent.get(`/verify?code=${withTypo(certificate.code)}`).expect(400);
      expect(typo.text).toContain('This code has a typo');
    });
  });

  describe('POST /verify/pdf', () => {
    async function upload(file: Buffer, filename = 'certificate.pdf') {
      const agent = newAgent(test.app);
      // The form carries its CSRF token in the action's query string, as a browser would send it.
      const action = /action="(\/verify\/pdf\?_csrf=[^"]+)"/.exec((await agent.get('/verify').expect(200)).text)?.[1];
      expect(action).toBeDefined();
      return agent.post(action!.replace(/&amp;/g, '&')).attach('file', file, { filename, contentType: 'application/pdf' });
    }

    it('recognises the exact file issued', async () => {
      const { certificate, pdf } = await issue('Nguyễn Văn Bình');
      const response = await upload(pdf);
      expect(response.status).toBe(200);
      expect(response.text).toContain('This exact file was issued by Procurement Academy.');
      expect(response.text).toContain('Valid certificate');
      expect(response.text).toContain(certificate.serial);
    });

    it('says the file was altered when the code is genuine but the bytes differ', async () => {
      const { pdf } = await issue('Altered File');
      const altered = Buffer.from(pdf);
      const at = altered.indexOf('Procurement Academy');
      altered[at] = 'p'.charCodeAt(0);
      const response = await upload(altered);
      expect(response.status).toBe(200);
      expect(response.text).toContain('This file was altered');
    });

    it('F2 replay: a hash inserted into certificateFiles without a valid signature never makes an altered file "exact"', async () => {
      const { certificate, pdf } = await issue('Forged Rendition');
      const altered = Buffer.from(pdf);
      const at = altered.indexOf('Procurement Academy');
      altered[at] = 'p'.charCodeAt(0);
      expect((await upload(altered)).text).toContain('This file was altered');

      const sha256 = createHash('sha256').update(altered).digest('hex');
      await CertificateFile.collection.insertOne({ serial: certificate.serial, sha256 });
      const after = await upload(altered);
      expect(after.text).toContain('This file was altered');
      expect(after.text).not.toContain('This exact file was issued');
      // Signed by a key we do not trust, or a genuine signature copied from another certificate: still altered.
      const stranger = loadKeyRing({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'pa-stranger-')) });
      await CertificateFile.collection.updateOne(
        { serial: certificate.serial, sha256 },
        { $set: { signature: signFileHash(stranger, { serial: certificate.serial, sha256 }) } },
      );
      expect((await upload(altered)).text).toContain('This file was altered');
      await CertificateFile.collection.updateOne(
        { serial: certificate.serial, sha256 },
        { $set: { signature: signFileHash(keyRing(), { serial: 'PA-1999-000001', sha256 }) } },
      );
      expect((await upload(altered)).text).toContain('This file was altered');

      // A rendition the app itself signed (after a template change) is recognised.
      await CertificateFile.collection.updateOne(
        { serial: certificate.serial, sha256 },
        { $set: { signature: signFileHash(keyRing(), { serial: certificate.serial, sha256 }) } },
      );
      expect((await upload(altered)).text).toContain('This exact file was issued by Procurement Academy.');
    });

    it('says a PDF without a genuine code matches no certificate', async () => {
      const response = await upload(Buffer.from('%PDF-1.4\n1 0 obj << /Keywords (ABCD-EFGH-JKMN-PQRS-TVWX) >> endobj\n%%EOF\n'));
      expect(response.status).toBe(200);
      expect(response.text).toContain('This file does not match any issued certificate.');
    });

    it('refuses a file that is not a PDF (415), a file over 5 MB (413) and a form without its CSRF token (403)', async () => {
      const notPdf = await upload(Buffer.from('GIF89a not a pdf'), 'image.gif');
      expect(notPdf.status).toBe(415);
      expect(notPdf.text).toContain('This file is not a PDF');
      const tooLarge = await upload(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024 + 10, 32)]));
      expect(tooLarge.status).toBe(413);
      await request(test.app).post('/verify/pdf').attach('file', Buffer.from('%PDF-1.4'), 'a.pdf').expect(403);
    });
  });

  describe('GET /.well-known/certificate-keys.json', () => {
    it('publishes the public signing key as a JWK set, without sign-in', async () => {
      const { certificate } = await issue('Key Holder');
      const response = await request(test.app).get('/.well-known/certificate-keys.json').expect(200);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.body.keys[0]).toEqual({
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.any(String),
        kid: certificate.signature.kid,
        alg: 'EdDSA',
        use: 'sig',
      });
      expect(JSON.stringify(response.body)).not.toMatch(/"d"/);
      expect(await User.countDocuments()).toBeGreaterThan(0);
    });
  });
});
