/**
 * Mail goes through the outbox to a real SMTP server started here (`smtp-server`): confirmations and resets arrive in
 * the right language with working links; an SMTP server that is down and comes back loses nothing; after the last
 * retry the failure is listed for admins and for the cohort's trainer.
 */
import mongoose from 'mongoose';
import type { Express } from 'express';
import { buildApp } from '../../src/app';
import { connectDatabase, databaseCommandCounts, type DatabaseConnection } from '../../src/db/connection';
import { findFreePort } from '../../src/db/embedded-server';
import { createLogger } from '../../src/logger';
import { createMailSystem, type MailSystem } from '../../src/mail/mail.setup';
import { MailAttempt, MailClaim, MailDue, MailMessage, MailSent, stepId } from '../../src/mail/outbox.model';
import { enqueueMail, failedMessagesForCohort, purgeDeliveredMail } from '../../src/mail/outbox.service';
import { createSealer } from '../../src/mail/seal';
import { csrfFrom, newAgent, tokenFor, type Agent } from '../support/agents';
import { signedInUser } from '../support/learners';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp-sink';
import { testConfig, testDatabaseName, testDatabaseUri } from '../support/test-app';

const BASE = 'http://academy.test';

/** Polls `read` until it gives something other than undefined or null. */
async function until<T>(read: () => Promise<T | undefined | null> | T | undefined | null, what: string, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('mail outbox with a real SMTP server', () => {
  let connection: DatabaseConnection;
  let config: ReturnType<typeof testConfig>;
  let mail: MailSystem;
  let app: Express;
  let port: number;
  let sink: SmtpSink | undefined;

  beforeAll(async () => {
    const dbName = testDatabaseName('mail_outbox');
    connection = await connectDatabase(testDatabaseUri(), dbName, { postgresUrl: process.env.TEST_POSTGRES_URL, countCommands: true });
    port = await findFreePort();
    config = testConfig({
      TRUST_PROXY: 'true',
      BASE_URL: BASE,
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_RETRY_SECONDS: '0.5,0.5,0.5',
      MAIL_POLL_SECONDS: '0.2',
    });
    const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    mail = createMailSystem(config, logger);
    app = buildApp({ config, logger, mail });
    mail.worker.start();
  });
  afterAll(async () => {
    await mail.worker.stop();
    await sink?.close();
    if (mongoose.connection.readyState === 1) await mongoose.connection.dropDatabase();
    await connection.close();
    config.cleanup();
  });

  const mailTo = (to: string, after = 0) =>
    until(() => sink?.received.slice(after).find((candidate) => candidate.to === to), `mail to ${to}`);
  const pathOf = (received: ReceivedMail, prefix: string) => {
    const match = new RegExp(`${BASE.replace(/\./g, '\\.')}(${prefix}[A-Za-z0-9_-]+)`).exec(received.text);
    if (!match?.[1]) throw new Error(`no ${prefix} link in: ${received.text}`);
    return match[1];
  };

  async function register(agent: Agent, lang: 'en' | 'zh-CN', user: { name: string; email: string }): Promise<ReceivedMail> {
    const token = await tokenFor(agent, `/register?lang=${lang}`);
    const before = sink?.received.length ?? 0;
    await agent
      .post('/register')
      .type('form')
      .send({ _csrf: token, ...user, password: 'a long enough password' })
      .expect(200);
    return mailTo(user.email, before);
  }

  async function confirm(agent: Agent, link: string): Promise<void> {
    const page = await agent.get(link).expect(200);
    await agent
      .post(link)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303)
      .expect('Location', '/dashboard');
  }

  it('registration confirmations arrive in English and in Chinese, labelled with their language, with a working link', async () => {
    sink = await startSmtpSink(port);
    const en = await register(newAgent(app), 'en', { name: 'Ada Okafor', email: 'ada.okafor@example.org' });
    expect(en.contentLanguage).toBe('en');
    expect(en.subject).toBe('Confirm your Procurement Academy account');
    expect(en.text).toContain('Hello Ada Okafor');
    const zhAgent = newAgent(app);
    const zh = await register(zhAgent, 'zh-CN', { name: '王芳', email: 'wang.fang@example.org' });
    expect(zh.contentLanguage).toBe('zh-CN');
    expect(zh.subject).toBe('请确认您的采购学院账户');
    expect(zh.text).toContain('王芳，您好');
    await confirm(newAgent(app), pathOf(en, '/register/confirm/'));
    await confirm(zhAgent, pathOf(zh, '/register/confirm/'));
    await zhAgent.get('/account').expect(200);
  });

  it('a password reset arrives in the language the account chose (zh-CN), from an English page, and its link works', async () => {
    const agent = newAgent(app);
    const token = await tokenFor(agent, '/password/forgot?lang=en');
    const before = sink?.received.length ?? 0;
    await agent.post('/password/forgot').type('form').send({ _csrf: token, email: 'wang.fang@example.org' }).expect(200);
    const reset = await mailTo('wang.fang@example.org', before);
    expect(reset.contentLanguage).toBe('zh-CN');
    expect(reset.subject).toBe('重置您的采购学院密码');
    expect(reset.text).toContain('请打开以下链接设置新密码');
    const link = pathOf(reset, '/password/reset/');
    const page = await agent.get(link).expect(200);
    await agent
      .post(link)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), password: 'a brand new password', confirm: 'a brand new password' })
      .expect(303)
      .expect('Location', '/login?notice=password-reset');
  });

  it('an SMTP server that is down, then back up, loses nothing: the message arrives after a retry, attempts recorded', async () => {
    await sink?.close();
    sink = undefined;
    const agent = newAgent(app);
    const token = await tokenFor(agent, '/password/forgot?lang=en');
    await agent.post('/password/forgot').type('form').send({ _csrf: token, email: 'ada.okafor@example.org' }).expect(200);
    const message = await until(() => MailMessage.findOne({ to: 'ada.okafor@example.org', subject: /Reset/ }).lean(), 'the stored message');
    const firstFailure = await until(() => MailAttempt.findOne({ messageId: message._id, ok: false }).lean(), 'a failed first attempt');
    expect(firstFailure.error).toMatch(/ECONNREFUSED|ESOCKET|connect/i);
    sink = await startSmtpSink(port);
    const arrived = await mailTo('ada.okafor@example.org');
    expect(arrived.subject).toBe('Reset your Procurement Academy password');
    expect(pathOf(arrived, '/password/reset/')).toMatch(/^\/password\/reset\//);
    const attempts = await MailAttempt.find({ messageId: message._id }).sort({ attempt: 1 }).lean();
    expect(attempts.map((attempt) => attempt.ok)).toEqual([...attempts.slice(0, -1).map(() => false), true]);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(await MailSent.findById(message._id).lean()).toMatchObject({ attempt: attempts.length });
    // Every message stored so far was sent, exactly once, and nothing is waiting.
    await until(async () => ((await MailDue.countDocuments({})) === 0 ? true : undefined), 'an empty backlog');
    expect(await MailSent.countDocuments({})).toBe(await MailMessage.countDocuments({}));
    expect(new Set(sink.received.map((received) => received.messageId)).size).toBe(sink.received.length);
  });

  it('a claim whose lease ran out (a worker that died) is taken over as the next attempt, and the message is sent', async () => {
    const sealer = createSealer(config.sessionSecret);
    await mail.worker.stop();
    const id = await enqueueMail({ to: 'crashed.worker@example.org', subject: 'Lease test', text: 'body', lang: 'en' }, sealer);
    const messageId = new mongoose.Types.ObjectId(id);
    const past = new Date(Date.now() - 60_000);
    await MailClaim.create({ _id: stepId(id, 1), messageId, attempt: 1, worker: 'dead-process', at: past, leaseUntil: past });
    mail = createMailSystem(config, createLogger({ level: 'silent' }));
    const results = [...(await mail.worker.runPass()), ...(await mail.worker.runPass())];
    expect(results).toEqual(expect.arrayContaining(['retry', 'sent']));
    const attempts = await MailAttempt.find({ messageId }).sort({ attempt: 1 }).lean();
    expect(attempts.map((attempt) => [attempt.attempt, attempt.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(attempts[0]?.error).toContain('stopped before finishing');
    expect((await mailTo('crashed.worker@example.org')).subject).toBe('Lease test');
    mail.worker.start();
  });

  it('round trips: storing a message costs 2 database commands, delivering it 5, plus one read per batch', async () => {
    await mail.worker.stop();
    mail = createMailSystem(config, createLogger({ level: 'silent' }));
    const sealer = createSealer(config.sessionSecret);
    const start = databaseCommandCounts().total;
    for (let i = 0; i < 5; i += 1)
      await enqueueMail({ to: `count${i}@example.org`, subject: `Count ${i}`, text: 'body', lang: 'en' }, sealer);
    const stored = databaseCommandCounts().total;
    expect(await mail.worker.runPass()).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    const delivered = databaseCommandCounts().total;
    console.log(`mail outbox: 5 messages stored in ${stored - start} commands, delivered in ${delivered - stored}`);
    expect(stored - start).toBe(10);
    expect(delivered - stored).toBe(1 + 5 * 5);
    mail.worker.start();
  });

  it('delivered mail is purged (body, attempts, claims) once older than the retention time', async () => {
    const delivered = await MailSent.countDocuments({});
    expect(delivered).toBeGreaterThan(5);
    expect(await purgeDeliveredMail(new Date(Date.now() - 3600_000))).toBe(0);
    expect(await purgeDeliveredMail(new Date(Date.now() + 1000), 3)).toBe(3);
    expect(await purgeDeliveredMail(new Date(Date.now() + 1000))).toBe(delivered - 3);
    const left = await Promise.all([MailSent, MailMessage, MailAttempt, MailClaim].map((model) => model.countDocuments({})));
    expect(left).toEqual([0, 0, 0, 0]);
  });

  it('after the last retry the failure is listed for admins (masked, no body) and for the cohort via failedMessagesForCohort', async () => {
    await sink?.close();
    sink = undefined;
    await mail.mailer.send({
      to: 'trainee.person@example.org',
      subject: 'You are invited to cohort Spring',
      text: `Join here: ${BASE}/cohorts/join/SECRET-ONE-TIME-TOKEN`,
      lang: 'en',
      cohortId: 'cohort-spring',
      category: 'cohort-invitation',
    });
    const [failed] = await until(async () => {
      const list = await failedMessagesForCohort('cohort-spring');
      return list.length ? list : undefined;
    }, 'the failure after the last retry');
    expect(failed).toMatchObject({ to: 't***@example.org', subject: 'You are invited to cohort Spring', attempts: 4 });
    expect(failed?.lastError).toMatch(/ECONNREFUSED|ESOCKET|connect/i);
    expect(await failedMessagesForCohort('another-cohort')).toEqual([]);

    const admin = await signedInUser(app, { name: 'Admin Mail', email: 'admin.mail@example.org', role: 'admin' });
    const page = await admin.agent.get('/admin/mail').expect(200);
    expect(page.text).toContain('t***@example.org');
    expect(page.text).toContain('You are invited to cohort Spring');
    expect(page.text).toContain('Cohort invitation');
    expect(page.text).not.toContain('trainee.person');
    expect(page.text).not.toContain('SECRET-ONE-TIME-TOKEN');
    expect(page.text).not.toContain(`127.0.0.1:${port}/`);
    const zhPage = await admin.agent.get('/admin/mail?lang=zh-CN').expect(200);
    expect(zhPage.text).toContain('未能送达的邮件');
    const learner = await signedInUser(app, { name: 'Learner Mail', email: 'learner.mail@example.org' });
    await learner.agent.get('/admin/mail').expect(403);
    await newAgent(app).get('/admin/mail').expect(303);
  });
});
