/** Data the benchmark needs beyond the seed: learners with a known password, their progress and one real certificate. */
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import { hashPassword } from '../src/accounts/password-hash';
import { User } from '../src/accounts/user.model';
import { configureCertificates } from '../src/certificates/certificates.context';
import { issueCertificate } from '../src/certificates/certificates.service';
import { loadConfig } from '../src/config';
import { getLiveCourse } from '../src/courses/courses.service';
import { Enrolment } from '../src/learning/enrolment.model';
import { ModuleCompletion } from '../src/learning/module-completion.model';
import { QuizAttempt } from '../src/learning/quiz-attempt.model';

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
  for (const slug of options.otherCourses) {
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
  const quizFields = Object.fromEntries(
    (course.modules[0]?.quiz?.questions ?? []).map((question) => [
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
