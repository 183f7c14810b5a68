import { Types } from 'mongoose';
import { getLiveCourse } from '../courses/courses.service';
import type { CourseVersionDoc } from '../courses/course-version.model';
import { Forbidden, NotFound } from '../http/errors';
import { emitCourseCompleted } from './course-events';
import { Enrolment, type EnrolmentDoc } from './enrolment.model';
import { ModuleCompletion } from './module-completion.model';
import { ModuleTime, ModuleVisit } from './module-activity.model';
import { recordModuleCompletion } from './progress.service';
import { QuizAttempt } from './quiz-attempt.model';
import { isDuplicateKey } from '../db/duplicate-key';

export type ModuleState = 'not-started' | 'in-progress' | 'completed';

export type LearnerCourseState = {
  isEnrolled: boolean;
  enrolment?: EnrolmentDoc;
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

/** Everything the course, module and dashboard pages show about one learner in one course. */
export async function getLearnerCourseState(learnerId: string | undefined, course: CourseVersionDoc): Promise<LearnerCourseState> {
  const requiresQuizzes = course.completion === 'modules-and-quizzes';
  const quizModules = course.modules.filter((module) => module.quiz?.questions.length).map((module) => module.slug);
  const totalUnits = course.modules.length + (requiresQuizzes ? quizModules.length : 0);
  const empty: LearnerCourseState = {
    isEnrolled: false, completedModules: new Set(), visitedModules: new Set(), passedQuizzes: new Set(), moduleStates: {}, doneUnits: 0, totalUnits, percent: 0, isComplete: false,
  };
  if (!learnerId) return empty;
  const filter = { learnerId: objectId(learnerId), courseSlug: course.courseSlug };
  const [enrolment, completions, visits, passes] = await Promise.all([
    Enrolment.findOne(filter).lean<EnrolmentDoc>(),
    ModuleCompletion.find(filter, { moduleSlug: 1, _id: 0 }).lean(),
    ModuleVisit.find(filter, { moduleSlug: 1, _id: 0 }).lean(),
    QuizAttempt.find({ ...filter, isPassed: true }, { moduleSlug: 1, _id: 0 }).lean(),
  ]);
  if (!enrolment) return empty;
  const live = new Set(course.modules.map((module) => module.slug));
  const completedModules = new Set(completions.map((row) => row.moduleSlug).filter((slug) => live.has(slug)));
  const visited = new Set(visits.map((row) => row.moduleSlug));
  const passedQuizzes = new Set(passes.map((row) => row.moduleSlug).filter((slug) => quizModules.includes(slug)));
  const moduleStates: Record<string, ModuleState> = {};
  for (const module of course.modules) {
    const quizDone = !requiresQuizzes || !module.quiz?.questions.length || passedQuizzes.has(module.slug);
    moduleStates[module.slug] = completedModules.has(module.slug) && quizDone ? 'completed' : completedModules.has(module.slug) || visited.has(module.slug) ? 'in-progress' : 'not-started';
  }
  const doneUnits = completedModules.size + (requiresQuizzes ? passedQuizzes.size : 0);
  const firstOpen = course.modules.find((module) => moduleStates[module.slug] !== 'completed')?.slug;
  const last = enrolment.lastModuleSlug && live.has(enrolment.lastModuleSlug) ? enrolment.lastModuleSlug : undefined;
  return {
    isEnrolled: true,
    enrolment,
    completedModules,
    visitedModules: visited,
    passedQuizzes,
    moduleStates,
    doneUnits,
    totalUnits,
    percent: totalUnits ? Math.round((doneUnits / totalUnits) * 100) : 0,
    isComplete: totalUnits > 0 && doneUnits >= totalUnits,
    continueModule: last && moduleStates[last] !== 'completed' ? last : firstOpen ?? last ?? course.modules[0]?.slug,
  };
}

const POSITION_REFRESH_MS = 10 * 60 * 1000;

/**
 * Remembers where the learner is (for "Continue") and that they started the module. Writes only what changed, so
 * reading the same module again costs no write: `state` is what the page already loaded.
 */
export async function recordModuleVisit(learnerId: string, courseSlug: string, moduleSlug: string, state: LearnerCourseState): Promise<void> {
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
  await ModuleTime.create({ learnerId: objectId(learnerId), courseSlug, moduleSlug, seconds: Math.min(3600, Math.max(1, Math.round(seconds))) });
}

/** Marks a module complete for an enrolled learner; repeats are no-ops. Returns whether the course is now complete. */
export async function completeModule(learnerId: string, courseSlug: string, moduleSlug: string): Promise<{ isCourseComplete: boolean }> {
  const course = await requireLiveCourse(courseSlug);
  if (!course.modules.some((module) => module.slug === moduleSlug)) throw new NotFound();
  await requireEnrolment(learnerId, courseSlug);
  await recordModuleCompletion(learnerId, courseSlug, moduleSlug, course.version);
  return evaluateCourseCompletion(learnerId, course);
}

/**
 * Checks the course rule on the server and, the first time it is met, marks the enrolment complete and emits the
 * completion event. Later calls find `completedAt` set and emit nothing.
 */
export async function evaluateCourseCompletion(learnerId: string, course: CourseVersionDoc): Promise<{ isCourseComplete: boolean }> {
  const state = await getLearnerCourseState(learnerId, course);
  if (!state.isComplete) return { isCourseComplete: false };
  if (state.enrolment?.completedAt) return { isCourseComplete: true };
  const completedAt = new Date();
  const result = await Enrolment.updateOne(
    { learnerId: objectId(learnerId), courseSlug: course.courseSlug, completedAt: { $exists: false } },
    { $set: { completedAt, completedVersion: course.version } },
  );
  if (result.modifiedCount === 1) {
    await emitCourseCompleted({ learnerId, courseSlug: course.courseSlug, courseVersion: course.version, completedAt });
  }
  return { isCourseComplete: true };
}

/** The learner's enrolments, newest activity first (dashboard). */
export function listEnrolments(learnerId: string): Promise<EnrolmentDoc[]> {
  return Enrolment.find({ learnerId: objectId(learnerId) }).sort({ lastVisitedAt: -1, enrolledAt: -1 }).limit(100).lean<EnrolmentDoc[]>();
}
