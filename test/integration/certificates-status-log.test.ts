import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import pino from 'pino';
import { writeBackup, restoreBackup } from '../../src/backup/backup.service';
import { correctCertificateName, revokeCertificate } from '../../src/certificates/certificate-admin.service';
import { Certificate } from '../../src/certificates/certificate.model';
import { configureCertificates } from '../../src/certificates/certificates.context';
import { issueCertificate } from '../../src/certificates/certificates.service';
import type { CertificateView } from '../../src/certificates/certificate-view';
import { statusHeadDir } from '../../src/certificates/status-head';
import { StatusEntry } from '../../src/certificates/status-log.model';
import { importCourses } from '../../src/courses/course-importer';
import { CERTIFICATE_COURSE, writeCertificateCourse } from '../support/course-fixtures';
import { csrfFrom, newAgent, type Agent } from '../support/agents';
import { signedInUser } from '../support/learners';
import { startTestApp, testDatabaseUri } from '../support/test-app';
import { binary } from './certificates.helpers';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/**
 * F1 of issue 18: someone who can write to the database (but has neither the signing key nor DATA_DIR/keys) must not
 * be able to make a revoked or replaced certificate verify as valid again, by any edit of the database.
 */
describe('certificate status log', () => {
  let test: TestApp;
  let counter = 0;
  const email = () => `status.${(counter += 1)}@example.org`;
  const ADMIN = { id: '64b7f0c2a1b2c3d4e5f60718', role: 'admin' as const };
  let logLines: string[];

  /** Like a freshly started process with the same DATA_DIR: nothing verified in memory, errors captured. */
  function restartCertificates(): void {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    configureCertificates(test.config, pino({ level: 'error' }, sink));
  }

  async function issue(name: string): Promise<{ certificate: CertificateView; learner: Agent; pdf: Buffer }> {
    const learner = await signedInUser(test.app, { name, email: email() });
    const { certificate } = await issueCertificate({
      learnerId: learner.id,
      courseSlug: CERTIFICATE_COURSE.slug,
      courseVersion: 1,
      completedAt: new Date('2025-07-01T10:00:00Z'),
    });
    const pdf = (await learner.agent.get(`/certificates/${certificate.serial}.pdf`).buffer(true).parse(binary).expect(200)).body as Buffer;
    return { certificate, learner: learner.agent, pdf };
  }

  const verdict = async (code: string) =>
    (await newAgent(test.app).get(`/verify/${code}`).set('Accept', 'application/json')).body as Record<string, unknown>;

  async function revoke(serial: string): Promise<void> {
    const result = await revokeCertificate(ADMIN, { serial, reason: 'misconduct', note: '' });
    expect(typeof result).not.toBe('string');
  }

  /** Puts back the record as it was while valid (F1 step 3), with the signature value shown by /verify then. */
  async function rollBack(serial: string, signatureValue: string): Promise<void> {
    await Certificate.collection.updateOne(
      { serial },
      { $set: { status: 'valid', revokedAt: null, revocationReason: null, 'signature.value': signatureValue } },
    );
  }

  async function upload(pdf: Buffer) {
    const agent = newAgent(test.app);
    const action = /action="(\/verify\/pdf\?_csrf=[^"]+)"/.exec((await agent.get('/verify').expect(200)).text)?.[1];
    return agent
      .post(action!.replace(/&amp;/g, '&'))
      .set('Accept', 'application/json')
      .attach('file', pdf, { filename: 'c.pdf', contentType: 'application/pdf' });
  }

  beforeEach(async () => {
    logLines = [];
    test = await startTestApp('certificates_status_log', { TRUST_PROXY: 'true' });
    await importCourses(writeCertificateCourse());
    restartCertificates();
  });
  afterEach(() => test.close());

  it('F1 replay: a revoked certificate rolled back in the database reads integrity_error, not valid, and is not handed out', async () => {
    const { certificate, learner, pdf } = await issue('Rolled Back');
    // 1. While valid, the JSON shows the signature value.
    const before = await verdict(certificate.code);
    expect(before).toMatchObject({ status: 'valid', integrity: null });
    const validSignature = (before.signature as { value: string }).value;
    // 2. An admin revokes it (through the admin page).
    const admin = (await signedInUser(test.app, { name: 'Admin', email: email(), role: 'admin' })).agent;
    const pageUrl = `/admin/certificates/${certificate.serial}`;
    const token = csrfFrom((await admin.get(pageUrl).expect(200)).text);
    await admin.post(`${pageUrl}/revoke`).type('form').send({ _csrf: token, reason: 'misconduct', note: '' }).expect(303);
    expect(await verdict(certificate.code)).toMatchObject({ status: 'revoked' });
    // 3. The database writer puts the valid state back.
    await rollBack(certificate.serial, validSignature);
    // 4. Never valid again: not by code, not by the genuine PDF, and neither the PDF nor a credential is handed out.
    expect(await verdict(certificate.code)).toMatchObject({ status: 'integrity_error', integrity: 'record_disagrees', holder: null });
    const page = await newAgent(test.app).get(`/verify/${certificate.code}`).expect(200);
    expect(page.text).toContain('Cannot be confirmed now');
    expect(page.text).not.toContain('Valid certificate');
    const uploaded = await upload(pdf);
    expect(uploaded.body).toMatchObject({ status: 'integrity_error', file: 'unchecked' });
    await learner.get(`/certificates/${certificate.serial}.pdf`).expect(503);
    await learner.get(`/certificates/${certificate.serial}/credential.jwt`).expect(503);
    expect(logLines.join('')).toContain('"level":50');
    expect(logLines.join('')).toContain('record_disagrees');
    // A process started afterwards says the same.
    restartCertificates();
    expect(await verdict(certificate.code)).toMatchObject({ status: 'integrity_error' });
  });

  it('a corrected (superseded) certificate rolled back to its valid state reads integrity_error too', async () => {
    const { certificate } = await issue('Misspeled Name');
    const signature = certificate.signature.value;
    const corrected = await correctCertificateName(ADMIN, { serial: certificate.serial, name: 'Misspelled Name' });
    expect(typeof corrected).not.toBe('string');
    expect(await verdict(certificate.code)).toMatchObject({ status: 'superseded' });
    await Certificate.collection.updateOne(
      { serial: certificate.serial },
      { $set: { status: 'valid', supersededAt: null, supersededBy: null, 'signature.value': signature } },
    );
    expect(await verdict(certificate.code)).toMatchObject({ status: 'integrity_error', integrity: 'record_disagrees' });
  });

  it('a revocation logged by a process that stopped before writing the record is completed by the next attempt', async () => {
    const { certificate } = await issue('Half Revoked');
    const signature = certificate.signature.value;
    // Logged two minutes ago, and the record update lost with the process (the record is still the valid one).
    await revokeCertificate(ADMIN, { serial: certificate.serial, reason: 'issued-in-error', note: '' }, new Date(Date.now() - 120_000));
    await rollBack(certificate.serial, signature);
    expect(await verdict(certificate.code)).toMatchObject({ status: 'integrity_error', integrity: 'record_disagrees' });
    expect(await revokeCertificate(ADMIN, { serial: certificate.serial, reason: 'other', note: '' })).toBe('not_valid');
    expect(await verdict(certificate.code)).toMatchObject({ status: 'revoked', revocationReason: 'issued-in-error' });
  });

  it('deleting the revocation entry (with the rollback) reads integrity_error, in this process and in a new one', async () => {
    const first = await issue('First Revoked');
    const second = await issue('Second Revoked');
    const untouched = await issue('Never Revoked');
    const signature = first.certificate.signature.value;
    await revoke(first.certificate.serial);
    await revoke(second.certificate.serial);
    await rollBack(first.certificate.serial, signature);
    await StatusEntry.collection.deleteOne({ serial: first.certificate.serial });
    expect(await verdict(first.certificate.code)).toMatchObject({ status: 'integrity_error' });
    restartCertificates();
    // The chain now has a gap: no status in it can be trusted, so even a certificate never revoked is not confirmed.
    for (const code of [first.certificate.code, second.certificate.code, untouched.certificate.code]) {
      expect(await verdict(code)).toMatchObject({ status: 'integrity_error', integrity: 'log_broken' });
    }
  });

  it('reordering entries reads integrity_error', async () => {
    const first = await issue('Reorder One');
    const second = await issue('Reorder Two');
    await revoke(first.certificate.serial);
    await revoke(second.certificate.serial);
    const [a, b] = await StatusEntry.find().sort({ seq: 1 }).lean();
    await StatusEntry.collection.updateOne({ seq: a!.seq }, { $set: { seq: 1000 } });
    await StatusEntry.collection.updateOne({ seq: b!.seq }, { $set: { seq: a!.seq } });
    await StatusEntry.collection.updateOne({ seq: 1000 }, { $set: { seq: b!.seq } });
    // This process still knows both revocations, so neither reads valid; a process that reads the log finds it broken.
    expect((await verdict(first.certificate.code)).status).not.toBe('valid');
    restartCertificates();
    expect(await verdict(first.certificate.code)).toMatchObject({ status: 'integrity_error', integrity: 'log_broken' });
    expect(await verdict(second.certificate.code)).toMatchObject({ status: 'integrity_error', integrity: 'log_broken' });
  });

  it('truncating the log (the last revocation and its record rolled back) reads integrity_error', async () => {
    const kept = await issue('Kept Revoked');
    const dropped = await issue('Dropped Revocation');
    await revoke(kept.certificate.serial);
    const signature = dropped.certificate.signature.value;
    await revoke(dropped.certificate.serial);
    await StatusEntry.collection.deleteOne({ serial: dropped.certificate.serial });
    await rollBack(dropped.certificate.serial, signature);
    expect(await verdict(dropped.certificate.code)).toMatchObject({ status: 'integrity_error', integrity: 'database_older' });
    restartCertificates();
    expect(await verdict(dropped.certificate.code)).toMatchObject({ status: 'integrity_error', integrity: 'database_older' });
    // Deleting the whole log is a truncation too.
    await StatusEntry.collection.deleteMany({});
    restartCertificates();
    expect(await verdict(kept.certificate.code)).toMatchObject({ status: 'integrity_error', integrity: 'database_older' });
  });

  it('an older database backup restored over a newer one: certificates revoked since do not read valid, and the log says the database is older than its key folder', async () => {
    const revokedSince = await issue('Revoked After Backup');
    const revokedBefore = await issue('Revoked Before Backup');
    await revoke(revokedBefore.certificate.serial);
    const backupDir = mkdtempSync(path.join(os.tmpdir(), 'pa-backup-'));
    try {
      await writeBackup(backupDir);
      await revoke(revokedSince.certificate.serial);
      expect(await verdict(revokedSince.certificate.code)).toMatchObject({ status: 'revoked' });

      await mongoose.connection.dropDatabase();
      await restoreBackup(backupDir);
      expect(await Certificate.countDocuments({ serial: revokedSince.certificate.serial, status: 'valid' })).toBe(1);
      for (const restart of [false, true]) {
        if (restart) restartCertificates();
        logLines.length = 0;
        expect(await verdict(revokedSince.certificate.code)).toMatchObject({ status: 'integrity_error', integrity: 'database_older' });
        expect(logLines.join('')).toContain('the database is older than its key folder');
      }
      // Nothing can be revoked on top of the older log either (it would fork the chain).
      const learner = await signedInUser(test.app, { name: 'Issued After Restore', email: email() });
      const { certificate: other } = await issueCertificate({
        learnerId: learner.id,
        courseSlug: CERTIFICATE_COURSE.slug,
        courseVersion: 1,
        completedAt: new Date(),
      });
      expect(await revokeCertificate(ADMIN, { serial: other.serial, reason: 'other', note: '' })).toBe('integrity_error');
      // The holder's download is refused too: nothing is confirmed while the database is behind.
      await learner.agent.get(`/certificates/${other.serial}.pdf`).expect(503);
    } finally {
      rmSync(backupDir, { recursive: true, force: true });
    }
  });

  it('logs certificates revoked before the log existed, once, so rolling them back afterwards is caught too', async () => {
    const legacy = await issue('Revoked Long Ago');
    const signature = legacy.certificate.signature.value;
    await revoke(legacy.certificate.serial);
    // The state of an installation from before the log: the revoked record, no log entries, no head in DATA_DIR/keys.
    await StatusEntry.collection.deleteMany({});
    rmSync(statusHeadDir(test.config.dataDir), { recursive: true, force: true });
    restartCertificates();
    expect(await verdict(legacy.certificate.code)).toMatchObject({ status: 'revoked' });
    expect(await StatusEntry.countDocuments({ serial: legacy.certificate.serial })).toBe(1);
    await rollBack(legacy.certificate.serial, signature);
    expect(await verdict(legacy.certificate.code)).toMatchObject({ status: 'integrity_error', integrity: 'record_disagrees' });
  });

  it('keeps one linear chain when three app processes sharing DATA_DIR revoke at once', async () => {
    const issued = await Promise.all(Array.from({ length: 6 }, (_, i) => issue(`Process Racer ${i}`)));
    const serials = issued.map(({ certificate }) => certificate.serial);
    // Each process revokes four certificates; every certificate is revoked by two processes at once.
    const plans = [serials.slice(0, 4), [...serials.slice(2, 6)], [...serials.slice(4, 6), ...serials.slice(0, 2)]];
    const outputs = await Promise.all(
      plans.map(
        (plan) =>
          new Promise<Record<string, string>>((resolve, reject) => {
            const child = spawn(
              process.execPath,
              [
                '--import',
                'tsx',
                path.resolve('test/integration/certificates-status-log.worker.ts'),
                testDatabaseUri(),
                test.dbName,
                test.config.dataDir,
                plan.join(','),
              ],
              { stdio: ['ignore', 'pipe', 'pipe'] },
            );
            let out = '';
            let err = '';
            child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
            child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Record<string, string>) : reject(new Error(err))));
          }),
      ),
    );
    for (const serial of serials) {
      const answers = outputs.map((output) => output[serial]).filter(Boolean);
      expect(answers.sort()).toEqual(['not_valid', 'revoked']);
    }
    const entries = await StatusEntry.find().sort({ seq: 1 }).lean();
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    entries.forEach((entry, index) => expect(entry.prevHash).toBe(index === 0 ? '0'.repeat(64) : entries[index - 1]!.hash));
    const heads = readdirSync(statusHeadDir(test.config.dataDir)).filter((name) => name.startsWith('head-'));
    expect(heads.sort().at(-1)).toBe('head-000000000006.json');
    restartCertificates();
    for (const { certificate } of issued) expect(await verdict(certificate.code)).toMatchObject({ status: 'revoked' });
  });

  it('keeps one linear chain when revocations race, with its head in the key folder', async () => {
    const issued = await Promise.all(Array.from({ length: 6 }, (_, i) => issue(`Racer ${i}`)));
    const results = await Promise.all(
      issued.flatMap(({ certificate }) => [
        revokeCertificate(ADMIN, { serial: certificate.serial, reason: 'other', note: '' }),
        revokeCertificate(ADMIN, { serial: certificate.serial, reason: 'misconduct', note: '' }),
      ]),
    );
    // Two admins revoking the same certificate at once: exactly one succeeds.
    expect(results.filter((result) => typeof result !== 'string')).toHaveLength(6);
    const entries = await StatusEntry.find().sort({ seq: 1 }).lean();
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    entries.forEach((entry, index) => expect(entry.prevHash).toBe(index === 0 ? '0'.repeat(64) : entries[index - 1]!.hash));
    const heads = readdirSync(statusHeadDir(test.config.dataDir)).filter((name) => name.startsWith('head-'));
    expect(heads.sort().at(-1)).toBe('head-000000000006.json');
    restartCertificates();
    for (const { certificate } of issued) {
      const answer = await verdict(certificate.code);
      expect(answer.status).toBe('revoked');
      const entry = entries.find((e) => e.serial === certificate.serial)!;
      expect(answer.revocationReason).toBe(entry.reason);
    }
  });
});
