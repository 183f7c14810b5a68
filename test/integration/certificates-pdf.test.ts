import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import request from 'supertest';
import { Certificate } from '../../src/certificates/certificate.model';
import { issueCertificate, renderRecordPdf } from '../../src/certificates/certificates.service';
import { importCourses } from '../../src/courses/course-importer';
import { CERTIFICATE_COURSE, writeCertificateCourse } from '../support/course-fixtures';
import { newAgent } from '../support/agents';
import { signedInUser } from '../support/learners';
import { startTestApp } from '../support/test-app';
import { binary } from './certificates.helpers';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Runs a poppler-utils tool (Debian package poppler-utils; .ci/run installs it). */
const poppler = (tool: string, args: string[]) => execFileSync(tool, args, { encoding: 'utf8' });

/**
 * Issue 18, section 7: the certificate file is PDF/A-3b, tagged, and carries its own Open Badges credential, while
 * staying deterministic (the same record gives the same SHA-256).
 */
describe('certificate PDF file (PDF/A-3b, tagged, self-proving)', () => {
  let test: TestApp;
  let dir: string;

  beforeAll(async () => {
    test = await startTestApp('certificates_pdf', { TRUST_PROXY: 'true' });
    await importCourses(writeCertificateCourse());
    dir = mkdtempSync(path.join(os.tmpdir(), 'pa-pdf-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await test.close();
  });

  it('is PDF/A-3b with XMP metadata, tagged with a structure tree and /Lang, fonts embedded, the JWT attached and verifiable, and recognised when uploaded', async () => {
    const learner = await signedInUser(test.app, { name: 'Nguyễn Thị Ánh & 张伟', email: 'pdf.holder@example.org' });
    const { certificate } = await issueCertificate({
      learnerId: learner.id,
      courseSlug: CERTIFICATE_COURSE.slug,
      courseVersion: 1,
      completedAt: new Date('2025-04-02T10:00:00Z'),
    });
    const pdf = (await learner.agent.get(`/certificates/${certificate.serial}.pdf`).buffer(true).parse(binary).expect(200)).body as Buffer;
    const file = path.join(dir, 'certificate.pdf');
    writeFileSync(file, pdf);

    const info = poppler('pdfinfo', [file]);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Metadata Stream:\s+yes$/m);
    expect(info).toMatch(/^PDF version:\s+1\.7$/m);
    expect(info).toMatch(/^JavaScript:\s+no$/m);
    const xmp = poppler('pdfinfo', ['-meta', file]);
    expect(xmp).toContain('<pdfaid:part>3</pdfaid:part>');
    expect(xmp).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(xmp).toContain('Nguyễn Thị Ánh &amp; 张伟');
    expect(xmp).toContain(`<xmp:CreateDate>${new Date(certificate.issuedAt).toISOString().split('.')[0]}Z</xmp:CreateDate>`);
    // Every font embedded (the "emb" column).
    const fonts = poppler('pdffonts', [file]).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatch(/\s+yes\s+yes\s+yes\s+\d+\s+\d+$/);
    // The structure tree, in reading order: heading, name, course, with the Chinese parts marked as Chinese.
    const structure = poppler('pdfinfo', ['-struct-text', file]);
    expect(structure.indexOf('H1')).toBeGreaterThan(-1);
    expect(structure.indexOf('"Certificate"')).toBeLessThan(structure.indexOf('"结业证书"'));
    expect(structure.indexOf('"结业证书"')).toBeLessThan(structure.indexOf(`"${CERTIFICATE_COURSE.title.en.split(' ')[0]!}"`));
    expect(structure).toContain('Figure');
    expect(pdf.toString('latin1')).toContain('/Lang (en)');
    expect(pdf.toString('latin1')).toContain('/Lang (zh-Hans)');

    // The attached credential: extracted with pdfdetach, it verifies against our published key.
    expect(poppler('pdfdetach', ['-list', file])).toContain(`${certificate.serial}-credential.jwt`);
    const jwtFile = path.join(dir, 'credential.jwt');
    poppler('pdfdetach', ['-save', '1', '-o', jwtFile, file]);
    const jwt = readFileSync(jwtFile, 'utf8');
    const kid = decodeProtectedHeader(jwt).kid!;
    const jwk = (await request(test.app).get(new URL(kid).pathname).expect(200)).body as JWK;
    const { payload } = await jwtVerify(jwt, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'], issuer: `${test.config.baseUrl}/` });
    expect(payload).toMatchObject({ jti: certificate.verifyUrl, sub: certificate.subjectId });
    const jwks = (await request(test.app).get('/.well-known/certificate-keys.json').expect(200)).body as JSONWebKeySet;
    await jwtVerify(jwt, createLocalJWKSet(jwks), { algorithms: ['RS256'] });
    expect((await learner.agent.get(`/certificates/${certificate.serial}/credential.jwt`).expect(200)).text).toBe(jwt);

    // Deterministic: the bytes issued, every download and a fresh render from the record are one file.
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(certificate.pdfSha256);
    const doc = (await Certificate.findOne({ serial: certificate.serial }).lean())!;
    expect(Buffer.compare(await renderRecordPdf(doc), pdf)).toBe(0);

    // The verify-by-upload check still recognises the exact file.
    const agent = newAgent(test.app);
    const action = /action="(\/verify\/pdf\?_csrf=[^"]+)"/.exec((await agent.get('/verify').expect(200)).text)![1]!;
    const upload = await agent
      .post(action.replace(/&amp;/g, '&'))
      .set('Accept', 'application/json')
      .attach('file', pdf, { filename: 'c.pdf', contentType: 'application/pdf' });
    expect(upload.body).toMatchObject({ status: 'valid', file: 'exact', serial: certificate.serial });
  });
});
