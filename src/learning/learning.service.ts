import { Types } from 'mongoose';
import { getLiveCourse } from '../courses/courses.service';
import type { CourseVersionDoc } from '../courses/course-version.model';
import { Forbidden, NotFound } from '../http/errors';
import { emitCourseCompleted } from './course-events';
import { Enrolment, type EnrolmentDoc } from './enrolment.model';
import { CourseCompleted, findLearnerFacts, type LearnerFactDoc, type LearnerFactKind } from './learner-fact.model';
import { ModuleTime, ModuleVisit } from './module-activity.model';
import { recordModuleCompletion } from './progress.service';
import { isDuplicateKey } from '../db/duplicate-key';

export type ModuleState = 'not-started' | 'in-progress' | 'completed';

export type LearnerCourseState = {
  isEnrolled: boolean;
  enrolment?: EnrolmentDoc;
  /** The course rule was met and recorded before (the completion event went out then). */
  isCompletionRecorded?: boolean;
  completedModules: Set<string>;
  visitedModules: Set<string>;
  passedQuizzes: Set<string>;
  moduleStates: Record<string, ModuleState>;
  doneUnits: number;
  totalUnits: number;
  percent: number;
  isComplete: boolean;
  /** The module "Continue" opens: the last one opened, or the first not completed. */
  continueModule?: string;
};

const objectId = (id: string | Types.ObjectId) => new Types.ObjectId(id);

/** A published course by slug, or NotFound. */
export async function requireLiveCourse(courseSlug: string): Promise<CourseVersionDoc> {
  const course = await getLiveCourse(courseSlug);
  if (!course) throw new NotFound();
  return course;
}

/** Enrols a learner; enrolling again is a no-op. */
export async function enrol(learnerId: string, courseSlug: string): Promise<{ isNew: boolean }> {
  await requireLiveCourse(courseSlug);
  try {
    await Enrolment.create({ learnerId: objectId(learnerId), courseSlug });
    return { isNew: true };
  } catch (error) {
    if (isDuplicateKey(error)) return { isNew: false };
    throw error;
  }
}

/** The learner's enrolment, or Forbidden: only enrolled learners record progress. */
export async function requireEnrolment(learnerId: string, courseSlug: string): Promise<EnrolmentDoc> {
  const enrolment = await Enrolment.findOne({ learnerId: objectId(learnerId), courseSlug }).lean<EnrolmentDoc>();
  if (!enrolment) throw new Forbidden('learning.notEnrolled');
  return enrolment;
}

type Fact = LearnerFactDoc & Record<string, unknown>;

/** Everything the course, module and dashboard pages show about one learner in one course: one database read. */
export async function getLearnerCourseState(learnerId: string | undefined, course: CourseVersionDoc): Promise<LearnerCourseState> {
  return learnerStateFromFacts(course, learnerId ? await findLearnerFacts(learnerId, course.courseSlug) : []);
}

/** The learner's state in a course, from their facts in it (see learner-fact.model.ts); no database access. */
export function learnerStateFromFacts(course: CourseVersionDoc, facts: Fact[]): LearnerCourseState {
  const requiresQuizzes = course.completion === 'modules-and-quizzes';
  const quizModules = course.modules.filter((module) => module.quiz?.questions.length).map((module) => module.slug);
  const totalUnits = course.modules.length + (requiresQuizzes ? quizModules.length : 0);
  const enrolment = facts.find((fact) => fact.kind === 'enrolment') as EnrolmentDoc | undefined;
  if (!enrolment) {
    return {
      isEnrolled: false,
      completedModules: new Set(),
      visitedModules: new Set(),
      passedQuizzes: new Set(),
      moduleStates: {},
      doneUnits: 0,
      totalUnits,
      percent: 0,
      isComplete: false,
    };
  }
  const slugsOf = (kind: LearnerFactKind) => facts.filter((fact) => fact.kind === kind).map((fact) => String(fact.moduleSlug));
  const live = new Set(course.modules.map((module) => module.slug));
  const completedModules = new Set(slugsOf('completion').filter((slug) => live.has(slug)));
  const visited = new Set(slugsOf('visit'));
  const passedQuizzes = new Set(slugsOf('quizPassed').filter((slug) => quizModules.includes(slug)));
  const moduleStates: Record<string, ModuleState> = {};
  for (const module of course.modules) {
    const quizDone = !requiresQuizzes || !module.quiz?.questions.length || passedQuizzes.has(module.slug);
    moduleStates[module.slug] =
      completedModules.has(module.slug) && quizDone
        ? 'completed'
        : completedModules.has(module.slug) || visited.has(module.slug)
          ? 'in-progress'
          : 'not-started';
  }
  const doneUnits = completedModules.size + (requiresQuizzes ? passedQuizzes.size : 0);
  const firstOpen = course.modules.find((module) => moduleStates[module.slug] !== 'completed')?.slug;
  const last = enrolment.lastModuleSlug && live.has(enrolment.lastModuleSlug) ? enrolment.lastModuleSlug : undefined;
  return {
    isEnrolled: true,
    enrolment,
    isCompletionRecorded: facts.some((fact) => fact.kind === 'courseCompleted') || Boolean(enrolment.completedAt),
    completedModules,
    visitedModules: visited,
    passedQuizzes,
    moduleStates,
    doneUnits,
    totalUnits,
    percent: totalUnits ? Math.round((doneUnits / totalUnits) * 100) : 0,
    isComplete: totalUnits > 0 && doneUnits >= totalUnits,
    continueModule: last && moduleStates[last] !== 'completed' ? last : (firstOpen ?? last ?? course.modules[0]?.slug),
  };
}

const POSITION_REFRESH_MS = 10 * 60 * 1000;

/**
 * Remembers where the learner is (for "Continue") and that they started the module. Writes only what changed, so
 * reading the same module again costs no write: `state` is what the page already loaded.
 */
export async function recordModuleVisit(
  learnerId: string,
  courseSlug: string,
  moduleSlug: string,
  state: LearnerCourseState,
): Promise<void> {
  const filter = { learnerId: objectId(learnerId), courseSlug };
  const enrolment = state.enrolment;
  const isStale = !enrolment?.lastVisitedAt || Date.now() - new Date(enrolment.lastVisitedAt).getTime() > POSITION_REFRESH_MS;
  if (enrolment?.lastModuleSlug !== moduleSlug || isStale) {
    // Last writer wins on purpose: the position is where the learner most recently was.
    await Enrolment.updateOne(filter, { $set: { lastModuleSlug: moduleSlug, lastVisitedAt: new Date() } });
  }
  if (state.visitedModules.has(moduleSlug)) return;
  await ModuleVisit.create({ ...filter, moduleSlug }).catch((error: unknown) => {
    if (!isDuplicateKey(error)) throw error;
  });
}

/** Records reading time sent by the browser (bounded, rough; for reports). */
export async function recordModuleTime(learnerId: string, courseSlug: string, moduleSlug: string, seconds: number): Promise<void> {
  await requireEnrolment(learnerId, courseSlug);
  await ModuleTime.create({
    learnerId: objectId(learnerId),
    courseSlug,
    moduleSlug,
    seconds: Math.min(3600, Math.max(1, Math.round(seconds))),
  });
}

/**
 * Marks a module complete for an enrolled learner; repeats are no-ops. Returns whether the course is now complete.
 * Two round trips: the learner's facts (enrolment included) and the insert; the course rule is then checked on
 * what was read plus what was written.
 */
export async function completeModule(
  learnerId: string,
  courseSlug: string,
  moduleSlug: string,
): Promise<{ isCourseComplete: boolean; nextHref: string }> {
  const course = await requireLiveCourse(courseSlug);
  const index = course.modules.findIndex((module) => module.slug === moduleSlug);
  if (index < 0) throw new NotFound();
  const facts = await findLearnerFacts(learnerId, courseSlug);
  if (!facts.some((fact) => fact.kind === 'enrolment')) throw new Forbidden('learning.notEnrolled');
  const { isNew } = await recordModuleCompletion(learnerId, courseSlug, moduleSlug, course.version);
  if (isNew) facts.push({ kind: 'completion', learnerId: new Types.ObjectId(learnerId), courseSlug, moduleSlug });
  const { isCourseComplete } = await evaluateCourseCompletion(learnerId, course, learnerStateFromFacts(course, facts));
  return { isCourseComplete, nextHref: nextStepHref(course, index, isCourseComplete) };
}

/** Where a learner goes after completing module `index`: the course page once done, its quiz if it counts, or the next module. */
function nextStepHref(course: CourseVersionDoc, index: number, isCourseComplete: boolean): string {
  const base = `/courses/${course.courseSlug}`;
  const current = course.modules[index]!;
  const next = course.modules[index + 1];
  if (isCourseComplete) return `${base}?completed=1`;
  if (current.quiz?.questions.length && course.completion === 'modules-and-quizzes') return `${base}/modules/${current.slug}/quiz`;
  return next ? `${base}/modules/${next.slug}` : base;
}

/**
 * Checks the course rule on the server and, the first time it is met, records it and emits the completion event.
 * "First" is decided by inserting the learner's courseCompleted fact behind its unique index: under concurrent
 * completions exactly one insert wins (a conditional update would let several "win" on FerretDB 1.24).
 */
export async function evaluateCourseCompletion(
  learnerId: string,
  course: CourseVersionDoc,
  known?: LearnerCourseState,
): Promise<{ isCourseComplete: boolean }> {
  const state = known ?? (await getLearnerCourseState(learnerId, course));
  if (!state.isComplete) return { isCourseComplete: false };
  if (state.isCompletionRecorded) return { isCourseComplete: true };
  const completedAt = new Date();
  try {
    await CourseCompleted.create({
      learnerId: objectId(learnerId),
      courseSlug: course.courseSlug,
      completedAt,
      courseVersion: course.version,
    });
  } catch (error) {
    if (isDuplicateKey(error)) return { isCourseComplete: true };
    throw error;
  }
  // Only the winner gets here: the enrolment's copy (dashboard, reports) has one writer.
  await Enrolment.updateOne(
    { learnerId: objectId(learnerId), courseSlug: course.courseSlug },
    { $set: { completedAt, completedVersion: course.version } },
  );
  await emitCourseCompleted({ learnerId, courseSlug: course.courseSlug, courseVersion: course.version, completedAt });
  return { isCourseComplete: true };
}

export type EnrolledCourse = { course: CourseVersionDoc; enrolment: EnrolmentDoc; state: LearnerCourseState };

/**
 * The learner's live courses with their state, newest activity first (dashboard, catalogue): all their facts in one
 * read, grouped by course here.
 */
export async function listEnrolledCourses(learnerId: string): Promise<EnrolledCourse[]> {
  const byCourse = new Map<string, Fact[]>();
  for (const fact of await findLearnerFacts(learnerId)) byCourse.set(fact.courseSlug, [...(byCourse.get(fact.courseSlug) ?? []), fact]);
  const rows: EnrolledCourse[] = [];
  for (const [courseSlug, facts] of byCourse) {
    const course = await getLiveCourse(courseSlug);
    const state = course ? learnerStateFromFacts(course, facts) : undefined;
    if (course && state?.enrolment) rows.push({ course, enrolment: state.enrolment, state });
  }
  const activity = (row: EnrolledCourse) => new Date(row.enrolment.lastVisitedAt ?? row.enrolment.enrolledAt).getTime();
  return rows.sort((a, b) => activity(b) - activity(a));
}
