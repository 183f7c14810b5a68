import { randomBytes } from 'node:crypto';
import type { Model } from 'mongoose';
import { hashPassword } from '../../src/accounts/password-hash';
import { User } from '../../src/accounts/user.model';
import { CourseStaff } from '../../src/access/course-staff.model';
import { Certificate } from '../../src/certificates/certificate.model';
import { Course } from '../../src/courses/course.model';
import { importCourses } from '../../src/courses/course-importer';
import { getCourseVersion } from '../../src/courses/courses.service';
import { Enrolment } from '../../src/learning/enrolment.model';
import { ModuleCompletion } from '../../src/learning/module-completion.model';
import { ModuleTime, ModuleVisit } from '../../src/learning/module-activity.model';
import { QuizAttempt } from '../../src/learning/quiz-attempt.model';
import { CourseCompleted, QuizPassed } from '../../src/learning/learner-fact.model';
import { emptyTallies, publishTallies } from '../../src/reports/report-build';
import { TallyFeeder } from '../../src/reports/report-collect';
import { expectedProgress, simulateLearner, tunePersistence, type Behaviour, type SeedCourse } from './activity';
import { certificateFor } from './certificates';
import { makeLearner, seededObjectId } from './profiles';
import { createRandom } from './random';
import { BatchWriter, flushWriters } from './writer';

export type SeedOptions = {
  learners: number;
  /** Progress records (module visits + completions) of the main course. */
  progress: number;
  /** Quiz attempts of the main course. */
  attempts: number;
  certificates: number;
  seed: number;
  /** Module-time documents (page views) of the main course; by default one per module visit. */
  times?: number;
  mainCourse?: string;
  /** Share of learners who also enrol in each other course (their activity is on top of the figures above). */
  otherShare?: number;
  coursesDir: string;
  /** Password of the seeded trainer and admin; generated (and returned) when absent. */
  staffPassword?: string;
  buildReports?: boolean;
  now?: Date;
  log?: (line: string) => void;
};

export type SeedResult = {
  inserted: Record<string, number>;
  staff: { trainer: string; admin: string; password: string };
  durationMs: number;
  reportsMs?: number;
};

export class SeedRefused extends Error {
  override name = 'SeedRefused';
}

export const staffEmails = (seed: number) => ({ trainer: `trainer@s${seed}.seed.example.org`, admin: `admin@s${seed}.seed.example.org` });

async function loadSeedCourses(): Promise<SeedCourse[]> {
  const courses = await Course.find({}, { slug: 1, currentVersion: 1 }).sort({ slug: 1 }).lean();
  const loaded: SeedCourse[] = [];
  for (const course of courses) {
    const version = await getCourseVersion(course.slug, course.currentVersion);
    if (!version) continue;
    const modules = version.modules.map((module) => ({
      slug: module.slug,
      minutes: module.minutes,
      questions: module.quiz?.questions ?? [],
    }));
    // One question per course is made a "content bug" (answered wrongly by most), so item analysis has one to flag.
    const buggyQuestion = modules[Math.min(2, modules.length - 1)]?.questions[1]?.id;
    loaded.push({ slug: course.slug, version: version.version, passMark: version.passMark, modules, buggyQuestion });
  }
  return loaded;
}

/**
 * The behaviour that gives the main course the requested numbers of progress records and quiz attempts. Learners
 * who finish need one passing attempt per quiz; what the attempt budget leaves goes half to their retakes, half to
 * the quizzes of learners who stop before the end.
 */
function mainBehaviour(options: SeedOptions, course: SeedCourse, log: (line: string) => void): Behaviour {
  const start = 0.92;
  const modules = course.modules.length;
  const learners = Math.max(1, options.learners);
  const maximum = expectedProgress({ start, persistence: 1 }, modules);
  const perLearner = options.progress / learners;
  if (perLearner > maximum.visits + maximum.completions)
    log(`--progress is more than ${Math.floor(maximum.visits + maximum.completions)} per learner can give: capped`);
  const persistence = perLearner >= maximum.visits + maximum.completions ? 1 : tunePersistence(perLearner, start, modules);
  const { visits, completions } = expectedProgress({ start, persistence }, modules);
  const quizShare = course.modules.filter((module) => module.questions.length).length / Math.max(1, modules);
  const finishers = start * persistence ** (2 * modules - 1);
  const required = finishers * modules * quizShare;
  const spare = Math.max(0, options.attempts / learners - required);
  if (spare === 0) log(`learners who finish need about ${Math.round(required * learners)} quiz attempts: more than --attempts`);
  const finisherExtra = Math.min(spare / 2, required * 0.25);
  const otherQuizCompletions = Math.max(1e-9, (completions - finishers * modules) * quizShare);
  const otherRetake = 0.3;
  return {
    start,
    persistence,
    attemptRate: Math.min(1, ((spare - finisherExtra) * (1 - otherRetake)) / otherQuizCompletions),
    timesPerVisit: options.times === undefined ? 1 : options.times / (learners * visits),
    retake: { finisher: required > 0 ? finisherExtra / (required + finisherExtra) : 0, other: otherRetake },
  };
}

/**
 * Seeds learners, enrolments, progress, reading time, quiz attempts and certificates with a fixed random seed,
 * in batches. Refuses a database where this seed was already applied (its staff accounts exist).
 */
export async function seed(options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const now = options.now ?? new Date();
  const random = createRandom(options.seed);
  const emails = staffEmails(options.seed);
  if (await User.exists({ email: emails.trainer }))
    throw new SeedRefused(`seed ${options.seed} was already applied to this database (${emails.trainer} exists); use another --seed`);

  for (const outcome of await importCourses(options.coursesDir))
    log(`course ${outcome.slug}: ${outcome.status}${outcome.version ? ` (version ${outcome.version})` : ''}`);
  const courses = await loadSeedCourses();
  const main = courses.find((course) => course.slug === (options.mainCourse ?? 'selling-to-the-un')) ?? courses[0];
  if (!main) throw new SeedRefused('no course could be imported: nothing to enrol learners in');
  const others = courses.filter((course) => course !== main);
  const behaviour = mainBehaviour(options, main, log);
  const otherBehaviour: Behaviour = {
    start: 0.8,
    persistence: 0.8,
    attemptRate: 0.5,
    timesPerVisit: 1,
    retake: { finisher: 0.15, other: 0.3 },
  };
  log(
    `main course ${main.slug}: persistence ${behaviour.persistence.toFixed(3)}, quiz attempt rate ${behaviour.attemptRate.toFixed(2)}, retakes ${behaviour.retake.finisher.toFixed(2)}, views per visit ${behaviour.timesPerVisit.toFixed(2)}`,
  );

  // Staff first, as in a real deployment (and their lookups stay cheap: see report-snapshot.model.ts on _id scans).
  const password = options.staffPassword ?? randomBytes(12).toString('base64url');
  const staffHash = await hashPassword(password);
  const staffAt = new Date(now.getTime() - 600 * 86_400_000);
  const trainer = await User.create({
    name: '培训师 Trainer',
    email: emails.trainer,
    role: 'trainer',
    passwordHash: staffHash,
    createdAt: staffAt,
  });
  await User.create({ name: '管理员 Admin', email: emails.admin, role: 'admin', passwordHash: staffHash, createdAt: staffAt });
  await CourseStaff.create({ courseSlug: main.slug, userId: trainer._id });

  const make = (model: Model<never>) => new BatchWriter(model);
  const writers = {
    users: make(User as never),
    enrolments: make(Enrolment as never),
    visits: make(ModuleVisit as never),
    completions: make(ModuleCompletion as never),
    times: make(ModuleTime as never),
    attempts: make(QuizAttempt as never),
    certificates: make(Certificate as never),
    quizzesPassed: make(QuizPassed as never),
    coursesCompleted: make(CourseCompleted as never),
  };
  const all = Object.values(writers);
  const learnerHash = await hashPassword(randomBytes(24).toString('base64url'));
  // The report snapshots are tallied from the documents as they are generated: the same code the build runs on
  // what it reads back (report-collect.ts), without reading two million documents back (minutes on FerretDB).
  const feed = new TallyFeeder(await emptyTallies());
  for (const tally of feed.tallies.values()) tally.allocate(1024);
  let certificates = 0;
  const reportEvery = Math.max(1000, Math.floor(options.learners / 20));

  for (let i = 0; i < options.learners; i += 1) {
    const enrolledAt = new Date(now.getTime() - 540 * 86_400_000 * random.next() ** 1.4);
    const user = makeLearner(random, i, options.seed, new Date(enrolledAt.getTime() - random.int(1, 72) * 3_600_000), learnerHash);
    writers.users.add(user);
    const enrolIn = (course: SeedCourse, courseBehaviour: Behaviour, at: Date) => {
      const activity = simulateLearner(random, course, courseBehaviour, at, now);
      const base = { learnerId: user._id, courseSlug: course.slug };
      const write = (writer: BatchWriter, tally: (doc: Record<string, unknown>) => void, doc: Record<string, unknown>) => {
        writer.add(doc);
        tally(doc);
      };
      write(writers.enrolments, feed.enrolment, {
        _id: seededObjectId(random, at),
        ...base,
        moduleSlug: '',
        enrolledAt: at,
        lastModuleSlug: activity.lastModuleSlug,
        lastVisitedAt: activity.lastVisitedAt,
        ...(activity.completedAt ? { completedAt: activity.completedAt, completedVersion: course.version } : {}),
      });
      for (const visit of activity.visits)
        write(writers.visits, feed.visit, { _id: seededObjectId(random, visit.firstVisitedAt), ...base, ...visit });
      for (const completion of activity.completions)
        write(writers.completions, feed.completion, {
          _id: seededObjectId(random, completion.completedAt),
          ...base,
          ...completion,
          courseVersion: course.version,
        });
      for (const time of activity.times)
        write(writers.times, feed.time, { _id: seededObjectId(random, time.recordedAt), ...base, ...time });
      const passed = new Set<string>();
      for (const attempt of activity.attempts) {
        write(writers.attempts, feed.attempt, {
          _id: seededObjectId(random, attempt.submittedAt),
          ...base,
          ...attempt,
          courseVersion: course.version,
          submissionKey: random.hex(12),
        });
        // The learner-state facts the app writes beside attempts and completions (pages read these, reports do not);
        // their ids come from the driver, so the random stream, and with it every other seeded value, is unchanged.
        if (attempt.isPassed && !passed.has(attempt.moduleSlug)) {
          passed.add(attempt.moduleSlug);
          writers.quizzesPassed.add({ ...base, moduleSlug: attempt.moduleSlug, passedAt: attempt.submittedAt });
        }
      }
      if (activity.completedAt)
        writers.coursesCompleted.add({ ...base, moduleSlug: '', completedAt: activity.completedAt, courseVersion: course.version });
      if (activity.completedAt && certificates < options.certificates) {
        certificates += 1;
        write(
          writers.certificates,
          feed.certificate,
          certificateFor(random, {
            learnerId: String(user._id),
            name: user.name,
            courseSlug: course.slug,
            courseVersion: course.version,
            completedAt: activity.completedAt,
            number: certificates,
            seed: options.seed,
          }),
        );
      }
    };
    enrolIn(main, behaviour, enrolledAt);
    for (const other of others) {
      if (random.chance(options.otherShare ?? 0.1))
        enrolIn(other, otherBehaviour, new Date(enrolledAt.getTime() + random.next() * (now.getTime() - enrolledAt.getTime())));
    }
    feed.user(user);
    await flushWriters(all);
    if ((i + 1) % reportEvery === 0) {
      const seconds = (Date.now() - started) / 1000;
      log(`${i + 1} learners · ${all.map((writer) => `${writer.name} ${writer.inserted}`).join(' · ')} · ${seconds.toFixed(0)} s`);
    }
  }
  await flushWriters(all, true);

  const inserted = Object.fromEntries(all.map((writer) => [writer.name, writer.inserted]));
  const result: SeedResult = { inserted, staff: { ...emails, password }, durationMs: Date.now() - started };
  if (options.buildReports !== false) {
    const reportsStarted = Date.now();
    const built = await publishTallies(feed.tallies, feed.profiles, reportsStarted, {
      progress: (name, documents, ms) => log(`report snapshot: ${name} (${documents} learners, ${ms} ms)`),
    });
    result.reportsMs = Date.now() - reportsStarted;
    log(`report snapshots of ${built.courses} courses (${built.learners} enrolments) built in ${result.reportsMs} ms`);
  }
  result.durationMs = Date.now() - started;
  return result;
}
