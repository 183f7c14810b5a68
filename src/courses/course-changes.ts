import mongoose, { Schema } from 'mongoose';
import { forgetCourseDirectory } from './course-directory';

/**
 * Publications announced to every process of the app. Each process keeps the published courses' heads in memory
 * (course-directory.ts); a publication inserts one document here, and every process looks for new ones once a
 * second (with the rate-limit sync) and drops its copy, so a course published in one process is live in all of them
 * within about a second. Insert-only; documents older than a day are deleted.
 */
type CourseChangeDoc = { courseSlug: string; at: Date };

const courseChangeSchema = new Schema<CourseChangeDoc>(
  { courseSlug: { type: String, required: true }, at: { type: Date, required: true, default: () => new Date() } },
  { collection: 'courseChanges', versionKey: false },
);

export const CourseChange = mongoose.model<CourseChangeDoc>('CourseChange', courseChangeSchema);

/** Tells every process (this one at once) that a course's published version changed. */
export async function announceCourseChange(courseSlug: string): Promise<void> {
  forgetCourseDirectory();
  await CourseChange.create({ courseSlug });
}

let seen: Set<string> | undefined;

/** Drops the course heads in memory when another process announced a change since the last look. */
export async function checkCourseChanges(now = Date.now()): Promise<void> {
  const ids = new Set((await CourseChange.find({}, { _id: 1 }).lean()).map((doc) => String(doc._id)));
  if (seen && [...ids].some((id) => !seen!.has(id))) forgetCourseDirectory();
  seen = ids;
  if (ids.size > 100) await CourseChange.deleteMany({ at: { $lt: new Date(now - 24 * 60 * 60 * 1000) } });
}
