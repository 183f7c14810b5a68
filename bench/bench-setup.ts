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

export const BENCH_PASSWORD = 'benchmark password 2026';
export const benchEmail = (i: number) => `bench${i}@bench.example.org`;

/** `quizFields`: a complete answer form for the first module's quiz (first option, or true). */
export type BenchData = { learnerIds: string[]; certificateSerial: string; certificateCode: string; moduleSlugs: string[]; quizFields: Record<string, string> };

/** Creates (once) `count` learners enrolled in `courseSlug` with two modules done; learner 0 has completed it and holds a signed certificate. */
export async function prepareBenchData(options: { count: number; courseSlug: string; appDataDir: string; baseUrl: string }): Promise<BenchData> {
  const course = await getLiveCourse(options.courseSlug);
  if (!course) throw new Error(`course ${options.courseSlug} is not imported`);
  const moduleSlugs = course.modules.map((module) => module.slug);
  const existing = await User.find({ email: { $in: Array.from({ length: options.count }, (_, i) => benchEmail(i)) } }, { email: 1 }).lean();
  if (existing.length < options.count) {
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    const have = new Set(existing.map((user) => user.email));
    await User.insertMany(
      Array.from({ length: options.count }, (_, i) => i)
        .filter((i) => !have.has(benchEmail(i)))
        .map((i) => ({ name: `基准学员 ${i}`, email: benchEmail(i), passwordHash, profile: { enterpriseSize: 'small', womenOwned: i % 3 === 0, region: 'Shanghai', preferredLanguage: 'en' } })),
    );
  }
  const users = await User.find({ email: { $in: Array.from({ length: options.count }, (_, i) => benchEmail(i)) } }, { email: 1 }).lean();
  const idOf = new Map(users.map((user) => [user.email, user._id as Types.ObjectId]));
  const learnerIds = Array.from({ length: options.count }, (_, i) => String(idOf.get(benchEmail(i))));
  // Fresh progress for the completion scenario: enrolments kept, completions of the bench learners cleared.
  await ModuleCompletion.deleteMany({ learnerId: { $in: learnerIds.slice(1).map((id) => new Types.ObjectId(id)) } });
  await Enrolment.deleteMany({ learnerId: { $in: learnerIds.map((id) => new Types.ObjectId(id)) }, courseSlug: options.courseSlug });
  await Enrolment.insertMany(learnerIds.map((id, i) => ({ learnerId: new Types.ObjectId(id), courseSlug: options.courseSlug, ...(i === 0 ? { completedAt: new Date(), completedVersion: course.version } : {}) })));
  await ModuleCompletion.insertMany(
    learnerIds.flatMap((id, i) => (i === 0 ? [] : moduleSlugs.slice(0, 2)).map((moduleSlug) => ({ learnerId: new Types.ObjectId(id), courseSlug: options.courseSlug, moduleSlug, courseVersion: course.version }))),
  );
  configureCertificates(loadConfig({ NODE_ENV: 'production', DATA_DIR: options.appDataDir, BASE_URL: options.baseUrl, LOG_LEVEL: 'silent', COURSES_DIR: path.resolve('courses') }));
  const { certificate } = await issueCertificate({ learnerId: learnerIds[0]!, courseSlug: options.courseSlug, courseVersion: course.version, completedAt: new Date() });
  if (!mongoose.connection.db) throw new Error('not connected');
  const quizFields = Object.fromEntries((course.modules[0]?.quiz?.questions ?? []).map((question) => [`q_${question.id}`, question.type === 'truefalse' ? 'true' : question.options[0]!.id]));
  return { learnerIds, certificateSerial: certificate.serial, certificateCode: certificate.code, moduleSlugs, quizFields };
}
