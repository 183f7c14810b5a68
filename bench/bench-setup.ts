/** Data the benchmark needs beyond the seed: learners with a known password, their progress and one real certificate. */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import { hashPassword } from '../src/accounts/password-hash';
import { User } from '../src/accounts/user.model';
import { configureCertificates } from '../src/certificates/certificates.context';
import { issueCertificate } from '../src/certificates/certificates.service';
import { loadConfig } from '../src/config';
import { importCourses } from '../src/courses/course-importer';
import { getLiveCourse } from '../src/courses/courses.service';
import { Enrolment } from '../src/learning/enrolment.model';
import { ModuleCompletion } from '../src/learning/module-completion.model';
import { QuizAttempt } from '../src/learning/quiz-attempt.model';

/** The course whose first quiz the quiz_submit scenario answers (see prepareQuizCourse). */
export const QUIZ_COURSE = 'bench-quiz';

/**
 * The shipped courses draw 3 questions per attempt, allow 5 attempts and make a failed learner wait 10 minutes, so
 * 50 learners could submit 50 times per scenario. The quiz scenario measures the cost of grading a submission, so it
 * uses a copy of `fromSlug` that asks every question with unlimited, immediate retakes (the rules only change which
 * submissions are accepted, not what grading one costs).
 */
export async function prepareQuizCourse(workDir: string, fromSlug: string): Promise<void> {
  const root = path.join(workDir, 'bench-quiz-courses');
  rmSync(root, { recursive: true, force: true });
  const dir = path.join(root, QUIZ_COURSE);
  mkdirSync(root, { recursive: true });
  cpSync(path.resolve('courses', fromSlug), dir, { recursive: true });
  cpSync(path.resolve('courses', 'glossary.yaml'), path.join(root, 'glossary.yaml'));
  const yamlPath = path.join(dir, 'course.yaml');
  const rules = { maxQuizAttempts: '0', retakeAfterMinutes: '0', review: 'always' };
  let yaml = readFileSync(yamlPath, 'utf8');
  for (const [key, value] of Object.entries(rules)) yaml = yaml.replace(new RegExp(`^${key}:.*$`, 'm'), `${key}: ${value}`);
  writeFileSync(yamlPath, yaml);
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.quiz.yaml'))) {
    const file = path.join(dir, name);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^draw:.*\n/m, ''));
  }
  const [outcome] = await importCourses(root);
  if (!outcome || outcome.status === 'invalid') throw new Error(`bench quiz course not imported: ${JSON.stringify(outcome?.problems)}`);
}

export const BENCH_PASSWORD = 'benchmark password 2026';
export const benchEmail = (i: number) => `bench${i}@bench.example.org`;

/** `quizFields`: a complete answer form for the first module's quiz (first option, or true). */
/** `completionTargets`: every module of every course, in which all bench learners are enrolled. */
export type BenchData = {
  learnerIds: string[];
  certificateSerial: string;
  certificateCode: string;
  moduleSlugs: string[];
  completionTargets: { courseSlug: string; moduleSlug: string }[];
  quizFields: Record<string, string>;
};

/**
 * Creates (once) `count` learners enrolled in `courseSlug` with two modules done and in `otherCourses` with none;
 * learner 0 has completed `courseSlug` and holds a signed certificate.
 */
export async function prepareBenchData(options: {
  count: number;
  courseSlug: string;
  otherCourses: string[];
  appDataDir: string;
  baseUrl: string;
}): Promise<BenchData> {
  const course = await getLiveCourse(options.courseSlug);
  if (!course) throw new Error(`course ${options.courseSlug} is not imported`);
  await prepareQuizCourse(options.appDataDir, options.courseSlug);
  const moduleSlugs = course.modules.map((module) => module.slug);
  // Equality lookups one learner at a time: FerretDB evaluates `$in` itself after reading the whole collection
  // (seconds at 100 000 users), while equality is pushed down to an index.
  const learnerIds: string[] = [];
  let passwordHash: string | undefined;
  for (let i = 0; i < options.count; i += 1) {
    const email = benchEmail(i);
    let user = await User.findOne({ email }, { _id: 1 }).lean();
    if (!user) {
      passwordHash ??= await hashPassword(BENCH_PASSWORD);
      user = await User.create({
        name: `基准学员 ${i}`,
        email,
        passwordHash,
        profile: { enterpriseSize: 'small', womenOwned: i % 3 === 0, region: 'Shanghai', preferredLanguage: 'en' },
      });
    }
    learnerIds.push(String(user._id));
  }
  // Fresh progress for the completion and quiz scenarios: enrolments recreated, completions and attempts cleared.
  for (const [i, id] of learnerIds.entries()) {
    const learnerId = new Types.ObjectId(id);
    if (i > 0) await ModuleCompletion.deleteMany({ learnerId });
    // Attempts of earlier runs would make every quiz read of this learner return hundreds of documents.
    await QuizAttempt.deleteMany({ learnerId });
    await Enrolment.deleteMany({ learnerId });
  }
  await Enrolment.insertMany(
    learnerIds.map((id, i) => ({
      learnerId: new Types.ObjectId(id),
      courseSlug: options.courseSlug,
      ...(i === 0 ? { completedAt: new Date(), completedVersion: course.version } : {}),
    })),
  );
  const completionTargets = moduleSlugs.map((moduleSlug) => ({ courseSlug: options.courseSlug, moduleSlug }));
  for (const slug of [...options.otherCourses, QUIZ_COURSE]) {
    const other = await getLiveCourse(slug);
    if (!other) throw new Error(`course ${slug} is not imported`);
    await Enrolment.insertMany(learnerIds.map((id) => ({ learnerId: new Types.ObjectId(id), courseSlug: slug })));
    completionTargets.push(...other.modules.map((module) => ({ courseSlug: slug, moduleSlug: module.slug })));
  }
  await ModuleCompletion.insertMany(
    learnerIds.flatMap((id, i) =>
      (i === 0 ? [] : moduleSlugs.slice(0, 2)).map((moduleSlug) => ({
        learnerId: new Types.ObjectId(id),
        courseSlug: options.courseSlug,
        moduleSlug,
        courseVersion: course.version,
      })),
    ),
  );
  configureCertificates(
    loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: options.appDataDir,
      BASE_URL: options.baseUrl,
      SMTP_URL: 'smtp://127.0.0.1:9',
      LOG_LEVEL: 'silent',
      COURSES_DIR: path.resolve('courses'),
    }),
  );
  const { certificate } = await issueCertificate({
    learnerId: learnerIds[0]!,
    courseSlug: options.courseSlug,
    courseVersion: course.version,
    completedAt: new Date(),
  });
  if (!mongoose.connection.db) throw new Error('not connected');
  const quizCourse = await getLiveCourse(QUIZ_COURSE);
  if (!quizCourse) throw new Error(`course ${QUIZ_COURSE} is not imported (prepareQuizCourse)`);
  const quizFields = Object.fromEntries(
    (quizCourse.modules[0]?.quiz?.questions ?? []).map((question) => [
      `q_${question.id}`,
      question.type === 'truefalse' ? 'true' : question.options[0]!.id,
    ]),
  );
  return {
    learnerIds,
    certificateSerial: certificate.serial,
    certificateCode: certificate.code,
    moduleSlugs,
    completionTargets,
    quizFields,
  };
}
