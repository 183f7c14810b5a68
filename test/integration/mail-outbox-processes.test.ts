/**
 * Two app processes on one database share the outbox: each of 30 messages reaches the SMTP server exactly once, and
 * both processes take part (claims are inserts behind unique ids, never status updates).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectDatabase, type DatabaseConnection } from '../../src/db/connection';
import { findFreePort } from '../../src/db/embedded-server';
import { MailAttempt, MailClaim, MailDue, MailSent } from '../../src/mail/outbox.model';
import { enqueueMail } from '../../src/mail/outbox.service';
import { createSealer } from '../../src/mail/seal';
import { serverDataDir, spawnServer, type ServerProcess } from '../support/server-process';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { testDatabaseName, testDatabaseUri } from '../support/test-app';

const MESSAGES = 30;
const SECRET = 'a shared session secret for the two processes of this test';

describe('two processes sending from one outbox', () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  let sink: SmtpSink;
  let connection: DatabaseConnection;

  beforeAll(async () => {
    const dbName = testDatabaseName('mail_processes');
    const uri = new URL(testDatabaseUri());
    uri.pathname = `/${dbName}`;
    connection = await connectDatabase(testDatabaseUri(), dbName, { postgresUrl: process.env.TEST_POSTGRES_URL });
    // A slow server (100 ms a message), so that the two processes' passes overlap.
    sink = await startSmtpSink(0, 100);
    for (let i = 0; i < 2; i += 1) {
      const dir = serverDataDir('pa-mail-processes-');
      dirs.push(dir);
      servers.push(
        spawnServer({
          MONGODB_URI: uri.toString(),
          DATA_DIR: dir,
          PORT: String(await findFreePort()),
          COURSES_DIR: path.join(dir, 'none'),
          SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
          SESSION_SECRET: SECRET,
          MAIL_POLL_SECONDS: '0.2',
        }),
      );
    }
    await Promise.all(servers.map((server) => server.waitForLog('Procurement Academy is listening')));
  }, 120000);

  afterAll(async () => {
    for (const server of servers) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    if (mongoose.connection.readyState === 1) await mongoose.connection.dropDatabase();
    await connection.close();
    await sink.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it(`sends each of ${MESSAGES} messages exactly once`, async () => {
    const sealer = createSealer(SECRET);
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i += 1) {
      ids.push(await enqueueMail({ to: `person${i}@example.org`, subject: `Message ${i}`, text: `Body ${i}`, lang: 'en' }, sealer));
    }
    const deadline = Date.now() + 30000;
    while ((sink.received.length < MESSAGES || (await MailDue.countDocuments({})) > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Late duplicates would arrive within a few polls.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect(sink.received.length).toBe(MESSAGES);
    expect(new Set(sink.received.map((mail) => mail.messageId)).size).toBe(MESSAGES);
    expect(sink.received.map((mail) => mail.subject).sort()).toEqual(ids.map((_id, i) => `Message ${i}`).sort());
    expect(sink.received.every((mail) => mail.text.trim() === `Body ${mail.subject.slice('Message '.length)}`)).toBe(true);
    expect(await MailSent.countDocuments({})).toBe(MESSAGES);
    expect(await MailAttempt.countDocuments({ ok: true })).toBe(MESSAGES);
    expect(await MailAttempt.countDocuments({ ok: false })).toBe(0);
    const claims = await MailClaim.find({}, { worker: 1 }).lean();
    const perWorker = new Map<string, number>();
    for (const claim of claims) perWorker.set(claim.worker, (perWorker.get(claim.worker) ?? 0) + 1);
    console.log(`mail outbox, two processes: claims per process ${JSON.stringify([...perWorker.values()])}`);
    expect(claims.length).toBe(MESSAGES);
    expect(perWorker.size).toBe(2);
    for (const server of servers) expect(server.stdout.join('\n')).not.toContain('mail attempt failed');
  }, 60000);
});
