import { Types } from 'mongoose';
import { assertCanManageCourse, type Actor } from '../access/course-access';
import { User } from '../accounts/user.model';
import { recordAudit } from '../audit/audit.service';
import type { Bilingual } from '../courses/course-types';
import { isDuplicateKey } from '../db/duplicate-key';
import { NotFound } from '../http/errors';
import { Enrolment } from './enrolment.model';
import { requireLiveCourse } from './learning.service';
import { QuizAttempt, type QuizAttemptDoc } from './quiz-attempt.model';
import { QuizRecord, type QuizRecordDoc } from './quiz-record.model';
import { quizRulesOf, quizStanding } from './quiz-rules';

export type QuizAttemptsRow = { moduleSlug: string; title: Bilingual; used: number; remaining?: number; isPassed: boolean };

/** One learner's attempts at each quiz of a course, for the trainer's page (staff of the course only). */
export async function learnerQuizAttempts(actor: Actor, courseSlug: string, learnerId: string) {
  await assertCanManageCourse(actor, courseSlug);
  const course = await requireLiveCourse(courseSlug);
  const key = { learnerId: new Types.ObjectId(learnerId), courseSlug };
  const [user, enrolment, attempts, grants] = await Promise.all([
    User.findById(key.learnerId, { name: 1 }).lean<{ name: string }>(),
    Enrolment.exists(key),
    QuizAttempt.find(key, { moduleSlug: 1, attemptNumber: 1, isPassed: 1, submittedAt: 1 }).lean<QuizAttemptDoc[]>(),
    QuizRecord.find({ ...key, kind: 'grant' }, { moduleSlug: 1 }).lean<QuizRecordDoc[]>(),
  ]);
  // No user enumeration: an unknown id and a learner not in this course look the same.
  if (!user || !enrolment) throw new NotFound();
  const rules = quizRulesOf(course);
  const rows: QuizAttemptsRow[] = course.modules
    .filter((module) => module.quiz?.questions.length)
    .map((module) => {
      const mine = attempts.filter((attempt) => attempt.moduleSlug === module.slug);
      const granted = grants.filter((grant) => grant.moduleSlug === module.slug).length;
      const standing = quizStanding(rules, mine, granted);
      return {
        moduleSlug: module.slug,
        title: module.title,
        used: standing.used,
        remaining: standing.remaining,
        isPassed: standing.isPassed,
      };
    });
  return { course, learnerName: user.name, isLimited: rules.maxAttempts > 0, rows };
}

export type GrantOutcome = 'granted' | 'already' | 'unlimited';

/**
 * One more attempt at a module's quiz for a learner, by a trainer of the course or an admin, audited. The grant is an
 * insert numbered by the attempts the learner has used: a double click (or two trainers at once) grants once, and a
 * learner who used the extra attempt can be granted another.
 */
export async function grantQuizAttempt(actor: Actor, courseSlug: string, learnerId: string, moduleSlug: string): Promise<GrantOutcome> {
  await assertCanManageCourse(actor, courseSlug);
  const course = await requireLiveCourse(courseSlug);
  const module = course.modules.find((candidate) => candidate.slug === moduleSlug);
  if (!module?.quiz?.questions.length) throw new NotFound();
  const key = { learnerId: new Types.ObjectId(learnerId), courseSlug, moduleSlug };
  const rules = quizRulesOf(course);
  const [enrolment, attempts, grants] = await Promise.all([
    Enrolment.exists({ learnerId: key.learnerId, courseSlug }),
    QuizAttempt.find(key, { attemptNumber: 1, isPassed: 1, submittedAt: 1 }).lean<QuizAttemptDoc[]>(),
    QuizRecord.countDocuments({ ...key, kind: 'grant' }),
  ]);
  if (!enrolment) throw new NotFound();
  if (rules.maxAttempts === 0) return 'unlimited';
  const before = quizStanding(rules, attempts, grants);
  try {
    // courseVersion 0: a grant belongs to no version, and a field the unique index covers must be present (FerretDB
    // does not treat two missing values as equal in a unique index, MongoDB does).
    await QuizRecord.create({
      ...key,
      kind: 'grant',
      number: before.used,
      courseVersion: 0,
      grantedBy: new Types.ObjectId(actor.id),
      createdAt: new Date(),
    });
  } catch (error) {
    if (isDuplicateKey(error)) return 'already';
    throw error;
  }
  await recordAudit({
    actorId: actor.id,
    action: 'quiz.grantAttempt',
    targetType: 'user',
    targetId: learnerId,
    before: { courseSlug, moduleSlug, attemptsUsed: before.used, attemptsAllowed: before.allowed },
    after: { courseSlug, moduleSlug, attemptsUsed: before.used, attemptsAllowed: (before.allowed ?? 0) + 1 },
  });
  return 'granted';
}
