/**
 * The people and data the route matrix and the fuzz test share: two courses, a learner who owns an enrolment,
 * progress and a certificate in the first, a second learner, a trainer assigned to each course, an admin, and a
 * bystander account that admin forms can safely target.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { assignTrainer } from '../../src/access/course-access';
import { issueCertificate } from '../../src/certificates/certificates.service';
import { importCourses } from '../../src/courses/course-importer';
import { enrol } from '../../src/learning/learning.service';
import { recordModuleCompletion } from '../../src/learning/progress.service';
import { refreshReports } from '../../src/reports/report-build';
import { User } from '../../src/accounts/user.model';
import { hashPassword } from '../../src/accounts/password-hash';
import { csrfFrom, type Agent } from './agents';
import { buildCohortFixture, type CohortFixture } from './cohort-fixtures';
import { writeFixtureCourse } from './course-fixtures';
import { TEST_PASSWORD } from './learners';

export const ACTORS = ['anonymous', 'learner', 'otherLearner', 'trainer', 'otherTrainer', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];

export type SecurityFixtures = {
  /** The app, listening once for the whole file (supertest would otherwise open and close a server per request). */
  server: http.Server;
  /** Course the learner owns data in and `trainer` is assigned to (a copy of the validator's minimal course). */
  course: string;
  module: string;
  /** An asset of `course` (image, served inline). */
  asset: string;
  /** Course `otherTrainer` is assigned to. */
  otherCourse: string;
  otherModule: string;
  certificate: { serial: string; code: string };
  /** A cohort of `course` made by `trainer`, the learner a member (test/support/cohort-fixtures.ts). */
  cohort: CohortFixture;
  ids: Record<Exclude<Actor, 'anonymous'> | 'bystander', string>;
  emails: Record<Exclude<Actor, 'anonymous'> | 'bystander', string>;
  agents: Record<Actor, Agent>;
  /** A new browser for `actor` (signed in again for everyone but the visitor): for requests that end a session. */
  freshAgent(actor: Actor): Promise<Agent>;
  /** The CSRF token of the agent's session (cached per agent: it only changes when the session is regenerated). */
  csrf(agent: Agent): Promise<string>;
};

const COURSE = 'matrix-course';
const OTHER_COURSE = 'other-course';

let agentCount = 0;

/** A cookie-keeping browser with a client address of its own (the app trusts X-Forwarded-For in these tests). */
export function browserFor(server: http.Server): Agent {
  agentCount += 1;
  return request.agent(server).set('X-Forwarded-For', `10.77.${Math.floor(agentCount / 250)}.${(agentCount % 250) + 1}`);
}

async function login(server: http.Server, email: string): Promise<Agent> {
  const agent = browserFor(server);
  const page = await agent.get('/login').expect(200);
  await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password: TEST_PASSWORD })
    .expect(303);
  return agent;
}

/** Starts serving `handler` (the app, or a wrapper around it) on a free local port. */
export async function listen(handler: Express | http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * Builds the data set in the app's (fresh, per test file) database and signs everyone in through `server`, which
 * serves the app.
 */
export async function buildSecurityFixtures(server: http.Server, label: string): Promise<SecurityFixtures> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pa-security-courses-'));
  cpSync(path.resolve('test/fixtures/valid-course/minimal-course'), path.join(root, COURSE), { recursive: true });
  const imported = await importCourses(root);
  const otherImported = await importCourses(writeFixtureCourse({ slug: OTHER_COURSE, modules: 1 }));
  for (const outcome of [...imported, ...otherImported]) {
    if (outcome.status === 'invalid') throw new Error(`fixture course ${outcome.slug} did not import: ${JSON.stringify(outcome.problems)}`);
  }

  const email = (who: string) => `${label}.${who}@example.org`;
  const emails = {
    learner: email('learner'),
    otherLearner: email('other-learner'),
    trainer: email('trainer'),
    otherTrainer: email('other-trainer'),
    admin: email('admin'),
    bystander: email('bystander'),
  };
  const passwordHash = await hashPassword(TEST_PASSWORD);
  const account = async (name: string, email: string, role: 'learner' | 'trainer' | 'admin' = 'learner') => {
    const user = await User.create({ name, email, role, passwordHash });
    return { id: String(user._id), agent: await login(server, email) };
  };
  const [learner, otherLearner, trainer, otherTrainer, admin, bystander] = await Promise.all([
    account('Li Na', emails.learner),
    account('Wang Fang', emails.otherLearner),
    account('Chen Jing', emails.trainer, 'trainer'),
    account('Zhao Lei', emails.otherTrainer, 'trainer'),
    account('Ada Admin', emails.admin, 'admin'),
    account('Bo Bystander', emails.bystander),
  ]);

  await assignTrainer(COURSE, trainer.id);
  await assignTrainer(OTHER_COURSE, otherTrainer.id);
  await enrol(learner.id, COURSE);
  await recordModuleCompletion(learner.id, COURSE, 'first-steps', 1);
  const { certificate } = await issueCertificate({
    learnerId: learner.id,
    courseSlug: COURSE,
    courseVersion: 1,
    completedAt: new Date('2025-03-12T09:30:00Z'),
  });
  // Reports read snapshots: build them now so report pages answer at once instead of "preparing".
  await refreshReports();

  // The promise is kept, not the token: concurrent first requests of one session must share one token fetch
  // (two pages rendered at once on a session without a token each create one, and only the last one saved holds).
  const tokens = new WeakMap<Agent, Promise<string>>();
  const fixtures: SecurityFixtures = {
    server,
    course: COURSE,
    module: 'first-steps',
    asset: 'diagram.png',
    otherCourse: OTHER_COURSE,
    otherModule: 'module-1',
    certificate: { serial: certificate.serial, code: certificate.code },
    cohort: await buildCohortFixture(COURSE, trainer.id, learner.id),
    ids: {
      learner: learner.id,
      otherLearner: otherLearner.id,
      trainer: trainer.id,
      otherTrainer: otherTrainer.id,
      admin: admin.id,
      bystander: bystander.id,
    },
    emails,
    agents: {
      anonymous: browserFor(server),
      learner: learner.agent,
      otherLearner: otherLearner.agent,
      trainer: trainer.agent,
      otherTrainer: otherTrainer.agent,
      admin: admin.agent,
    },
    freshAgent: (actor) => (actor === 'anonymous' ? Promise.resolve(browserFor(server)) : login(server, emails[actor])),
    csrf(agent) {
      let token = tokens.get(agent);
      if (!token) {
        // A public page with a form, for visitors and signed-in users alike.
        token = agent
          .get('/password/forgot')
          .expect(200)
          .then((page) => csrfFrom(page.text));
        tokens.set(agent, token);
      }
      return token;
    },
  };
  for (const actor of ACTORS) await fixtures.csrf(fixtures.agents[actor]);
  return fixtures;
}

/** Document counts of every collection except those listed (sessions: any visit may create one). */
export async function collectionCounts(except: ReadonlySet<string>): Promise<Record<string, number>> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((info) => info.name)
    .filter((name) => !except.has(name))
    .sort();
  const counts = await Promise.all(names.map((name) => db.collection(name).countDocuments()));
  return Object.fromEntries(names.map((name, i) => [name, counts[i] ?? 0]));
}

/** Collections whose count differs between two snapshots, as `name: before → after`. */
export function countChanges(before: Record<string, number>, after: Record<string, number>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((name) => (before[name] ?? 0) !== (after[name] ?? 0))
    .map((name) => `${name}: ${before[name] ?? 0} → ${after[name] ?? 0}`);
}
