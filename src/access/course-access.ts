import { Types } from 'mongoose';
import { Forbidden } from '../http/errors';
import { CourseStaff } from './course-staff.model';
import { isDuplicateKey } from '../db/duplicate-key';

export type Actor = { id: string; role: 'learner' | 'trainer' | 'admin' };

/** Admin-only services check here as well as in the route, so a new caller cannot forget. */
export function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new Forbidden();
}

/** True when the actor may edit the course and read its reports: admins always, trainers when assigned. */
export async function canManageCourse(actor: Actor | undefined, courseSlug: string): Promise<boolean> {
  if (!actor) return false;
  if (actor.role === 'admin') return true;
  if (actor.role !== 'trainer' || !Types.ObjectId.isValid(actor.id)) return false;
  return Boolean(await CourseStaff.exists({ courseSlug, userId: new Types.ObjectId(actor.id) }));
}

/** Throws Forbidden unless canManageCourse; services call it so the rule holds for every caller, not only routes. */
export async function assertCanManageCourse(actor: Actor | undefined, courseSlug: string): Promise<void> {
  if (!(await canManageCourse(actor, courseSlug))) throw new Forbidden();
}

/** Slugs of the courses a trainer manages (all courses for admins: undefined means "no restriction"). */
export async function managedCourseSlugs(actor: Actor): Promise<string[] | undefined> {
  if (actor.role === 'admin') return undefined;
  if (actor.role !== 'trainer') return [];
  const rows = await CourseStaff.find({ userId: new Types.ObjectId(actor.id) }, { courseSlug: 1, _id: 0 }).lean();
  return rows.map((row) => row.courseSlug);
}

/** Assigns a trainer to a course (idempotent). */
export async function assignTrainer(courseSlug: string, userId: string, assignedBy?: string): Promise<void> {
  await CourseStaff.create({
    courseSlug,
    userId: new Types.ObjectId(userId),
    ...(assignedBy ? { assignedBy: new Types.ObjectId(assignedBy) } : {}),
  }).catch((error: unknown) => {
    if (!isDuplicateKey(error)) throw error;
  });
}

/** Removes a trainer from a course; true when they were assigned. */
export async function unassignTrainer(courseSlug: string, userId: string): Promise<boolean> {
  const result = await CourseStaff.deleteOne({ courseSlug, userId: new Types.ObjectId(userId) });
  return result.deletedCount === 1;
}
