import { Types } from 'mongoose';
import { User } from '../accounts/user.model';
import { recordAudit } from '../audit/audit.service';
import { assertAdmin, assignTrainer, unassignTrainer, type Actor } from '../access/course-access';
import { findDraft, listOpenDrafts } from '../authoring/course-draft.model';
import { CourseStaff } from '../access/course-staff.model';
import { Course } from '../courses/course.model';
import type { Bilingual } from '../courses/course-types';
import { NotFound, Unprocessable } from '../http/errors';

export type StaffRow = { slug: string; title: Bilingual; trainers: { id: string; name: string; email: string; role: string }[] };

/** Every course (published or draft only) with the people assigned to it. */
export async function listCourseStaff(actor: Actor): Promise<StaffRow[]> {
  assertAdmin(actor);
  const [courses, drafts, staff] = await Promise.all([
    Course.find({}, { slug: 1, title: 1, _id: 0 }).lean(),
    listOpenDrafts(),
    CourseStaff.find({}, { courseSlug: 1, userId: 1, _id: 0 }).lean(),
  ]);
  const users = await User.find(
    { _id: { $in: [...new Set(staff.map((row) => String(row.userId)))].map((id) => new Types.ObjectId(id)) } },
    { name: 1, email: 1, role: 1 },
  ).lean();
  const byId = new Map(
    users.map((user) => [String(user._id), { id: String(user._id), name: user.name, email: user.email, role: user.role }]),
  );
  const rows = new Map<string, StaffRow>();
  for (const draft of drafts) rows.set(draft.courseSlug, { slug: draft.courseSlug, title: draft.meta.title, trainers: [] });
  for (const course of courses) rows.set(course.slug, { slug: course.slug, title: course.title, trainers: [] });
  for (const row of staff) {
    const user = byId.get(String(row.userId));
    if (user) rows.get(row.courseSlug)?.trainers.push(user);
  }
  return [...rows.values()].sort((a, b) => a.slug.localeCompare(b.slug));
}

async function courseExists(slug: string): Promise<boolean> {
  return Boolean((await Course.exists({ slug })) ?? (await findDraft(slug)));
}

/** Assigns a trainer (by email) to a course; only trainers can be assigned (admins manage every course anyway). */
export async function assignTrainerByEmail(actor: Actor, slug: string, email: string): Promise<void> {
  assertAdmin(actor);
  if (!(await courseExists(slug))) throw new NotFound();
  const user = await User.findOne({ email: email.trim().toLowerCase() }, { role: 1 }).lean();
  if (!user) throw new Unprocessable('admin.staff.unknownUser');
  if (user.role !== 'trainer') throw new Unprocessable('admin.staff.notTrainer');
  await assignTrainer(slug, String(user._id), actor.id);
  await recordAudit({
    actorId: actor.id,
    action: 'course.staff.assign',
    targetType: 'course',
    targetId: slug,
    before: null,
    after: { userId: String(user._id), email },
  });
}

export async function unassignTrainerFromCourse(actor: Actor, slug: string, userId: string): Promise<void> {
  assertAdmin(actor);
  if (!Types.ObjectId.isValid(userId)) throw new NotFound();
  if (await unassignTrainer(slug, userId)) {
    await recordAudit({
      actorId: actor.id,
      action: 'course.staff.unassign',
      targetType: 'course',
      targetId: slug,
      before: { userId },
      after: null,
    });
  }
}
