import { Types } from 'mongoose';
import type { CourseVersionDoc } from '../courses/course-version.model';
import { ModuleCompletion } from './module-completion.model';
import { isDuplicateKey } from '../db/duplicate-key';

export type CourseProgress = { completedModules: string[]; completedCount: number; totalModules: number; percent: number };

/**
 * A learner's progress in the live version of a course: completions of modules that still exist in it.
 * Completions of removed modules stay stored but no longer count.
 */
export async function getCourseProgress(learnerId: string | Types.ObjectId, course: CourseVersionDoc): Promise<CourseProgress> {
  const rows = await ModuleCompletion.find(
    { learnerId: new Types.ObjectId(learnerId), courseSlug: course.courseSlug },
    { moduleSlug: 1, _id: 0 },
  ).lean();
  const live = new Set(course.modules.map((module) => module.slug));
  const completedModules = rows.map((row) => row.moduleSlug).filter((slug) => live.has(slug));
  const totalModules = course.modules.length;
  return {
    completedModules,
    completedCount: completedModules.length,
    totalModules,
    percent: totalModules ? Math.round((completedModules.length / totalModules) * 100) : 0,
  };
}

/** Records that a learner completed a module; a repeat (double submit, retry, second tab) is a no-op. */
export async function recordModuleCompletion(
  learnerId: string | Types.ObjectId,
  courseSlug: string,
  moduleSlug: string,
  courseVersion: number,
): Promise<{ isNew: boolean }> {
  try {
    await ModuleCompletion.create({ learnerId: new Types.ObjectId(learnerId), courseSlug, moduleSlug, courseVersion });
    return { isNew: true };
  } catch (error) {
    if (isDuplicateKey(error)) return { isNew: false };
    throw error;
  }
}
