import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Actor } from '../access/course-access';
import { managedCourseSlugs } from '../access/course-access';
import { recordAudit } from '../audit/audit.service';
import { Course } from '../courses/course.model';
import { isDuplicateKey } from '../db/duplicate-key';
import { Forbidden, NotFound } from '../http/errors';
import { enrol } from '../learning/learning.service';
import { Cohort, CohortCodeClosure, CohortJoinCode, CohortMember, type CohortDoc, type CohortMemberDoc } from './cohort.model';
import type { CreateCohortForm } from './cohorts.schemas';

const DAY_MS = 24 * 3600 * 1000;
const utcDay = (value: string) => new Date(`${value}T00:00:00Z`);

export type CourseOption = { slug: string; title: { en: string; zh: string } };

/** Courses a cohort of this actor may follow: the trainer's assigned courses, every course for admins. */
export async function cohortCourseOptions(actor: Actor): Promise<CourseOption[]> {
  const slugs = await managedCourseSlugs(actor);
  return Course.find(slugs ? { slug: { $in: slugs } } : {}, { slug: 1, title: 1, _id: 0 })
    .sort({ sortOrder: 1, slug: 1 })
    .lean<CourseOption[]>();
}

export type CohortSummary = Pick<CohortDoc, '_id' | 'name' | 'courseSlugs' | 'startsOn' | 'endsOn' | 'createdAt'>;

/** The actor's cohorts (their own for trainers, all for admins), newest first. */
export async function listCohorts(actor: Actor): Promise<CohortSummary[]> {
  if (actor.role !== 'trainer' && actor.role !== 'admin') throw new Forbidden();
  const filter = actor.role === 'admin' ? {} : { createdBy: new Types.ObjectId(actor.id) };
  return Cohort.find(filter, { name: 1, courseSlugs: 1, startsOn: 1, endsOn: 1, createdAt: 1 })
    .sort({ createdAt: -1 })
    .lean<CohortSummary[]>();
}

/** The cohort if the actor manages it (its trainer, or an admin); NotFound for no such cohort, Forbidden otherwise. */
export async function requireManagedCohort(actor: Actor, cohortId: string): Promise<CohortDoc> {
  const cohort = await Cohort.findById(cohortId).lean<CohortDoc>();
  if (!cohort) throw new NotFound();
  if (actor.role === 'admin' || (actor.role === 'trainer' && String(cohort.createdBy) === actor.id)) return cohort;
  throw new Forbidden();
}

function newCode(): string {
  return randomBytes(16).toString('base64url');
}

/** Creates a cohort and its first join link; the courses must be ones the actor manages. */
export async function createCohort(actor: Actor, form: CreateCohortForm): Promise<CohortDoc> {
  const allowed = new Set((await cohortCourseOptions(actor)).map((course) => course.slug));
  if (form.courses.some((slug) => !allowed.has(slug))) throw new Forbidden('cohorts.form.badCourses');
  const cohort = await Cohort.create({
    name: form.name,
    courseSlugs: [...new Set(form.courses)],
    startsOn: utcDay(form.startsOn),
    endsOn: utcDay(form.endsOn),
    createdBy: new Types.ObjectId(actor.id),
  });
  const expiresAt = form.linkExpiresOn ? new Date(utcDay(form.linkExpiresOn).getTime() + DAY_MS) : null;
  await CohortJoinCode.create({ cohortId: cohort._id, code: newCode(), expiresAt });
  await recordAudit({ actorId: actor.id, action: 'cohort.create', targetType: 'cohort', targetId: String(cohort._id), after: form });
  return cohort.toObject();
}

export type JoinLink = { code: string; expiresAt: Date | null; isExpired: boolean };

/** The end of a cohort's last day: no join link works after it. */
const cohortEnd = (cohort: Pick<CohortDoc, 'endsOn'>) => new Date(cohort.endsOn.getTime() + DAY_MS);

function linkExpiry(cohort: Pick<CohortDoc, 'endsOn'>, expiresAt: Date | null): Date {
  const end = cohortEnd(cohort);
  return expiresAt && expiresAt < end ? expiresAt : end;
}

/** The cohort's current join link (the newest code not closed), or undefined when every code is closed. */
export async function currentJoinLink(cohort: CohortDoc, now = new Date()): Promise<JoinLink | undefined> {
  const [codes, closures] = await Promise.all([
    CohortJoinCode.find({ cohortId: cohort._id }, { code: 1, expiresAt: 1, createdAt: 1 }).lean(),
    CohortCodeClosure.find({ cohortId: cohort._id }, { code: 1 }).lean(),
  ]);
  const closed = new Set(closures.map((closure) => closure.code));
  const open = codes.filter((code) => !closed.has(code.code)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (!open) return undefined;
  const expiresAt = linkExpiry(cohort, open.expiresAt);
  return { code: open.code, expiresAt, isExpired: expiresAt <= now };
}

/** Closes the current join link (an insert: closing twice is harmless); with `rotate`, a new link replaces it. */
export async function closeJoinLink(actor: Actor, cohortId: string, rotate: boolean): Promise<void> {
  const cohort = await requireManagedCohort(actor, cohortId);
  const current = await currentJoinLink(cohort);
  if (current) {
    try {
      await CohortCodeClosure.create({ code: current.code, cohortId: cohort._id, closedBy: new Types.ObjectId(actor.id) });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  if (rotate) await CohortJoinCode.create({ cohortId: cohort._id, code: newCode(), expiresAt: null });
  await recordAudit({
    actorId: actor.id,
    action: rotate ? 'cohort.link.rotate' : 'cohort.link.close',
    targetType: 'cohort',
    targetId: cohortId,
    before: current ? { code: `${current.code.slice(0, 4)}…` } : null,
  });
}

/** The cohort a join code opens, or NotFound when the code is unknown, closed or expired (all answer alike). */
export async function cohortForCode(code: string, now = new Date()): Promise<CohortDoc> {
  const joinCode = await CohortJoinCode.findOne({ code }).lean();
  if (!joinCode) throw new NotFound();
  const [closure, cohort] = await Promise.all([CohortCodeClosure.exists({ code }), Cohort.findById(joinCode.cohortId).lean<CohortDoc>()]);
  if (closure || !cohort || linkExpiry(cohort, joinCode.expiresAt) <= now) throw new NotFound();
  return cohort;
}

/**
 * Makes the user a member (exactly once, behind the unique index) and enrols them in the cohort's live courses.
 * Returns false when they already were a member.
 */
export async function addMember(cohort: CohortDoc, userId: string, via: CohortMemberDoc['via']): Promise<boolean> {
  let isNew = true;
  try {
    await CohortMember.create({
      cohortId: cohort._id,
      userId: new Types.ObjectId(userId),
      via,
      cohortName: cohort.name,
      courseSlugs: cohort.courseSlugs,
      startsOn: cohort.startsOn,
      endsOn: cohort.endsOn,
    });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    isNew = false;
  }
  // Enrolling again is meant to be a no-op, but on FerretDB 1.24 the enrolment's unique index (moduleSlug missing)
  // did not stop a second enrolment document (seen in this feature's tests): enrol only on a new membership.
  if (!isNew) return false;
  for (const slug of cohort.courseSlugs) {
    await enrol(userId, slug).catch((error: unknown) => {
      // A course unpublished since the cohort was made: the membership stands, there is nothing to enrol in.
      if (!(error instanceof NotFound)) throw error;
    });
  }
  return true;
}

export async function isMember(cohortId: Types.ObjectId, userId: string): Promise<boolean> {
  return Boolean(await CohortMember.exists({ cohortId, userId: new Types.ObjectId(userId) }));
}

/** Removes a member (a delete, audited with what the membership was); NotFound when they are not a member. */
export async function removeMember(actor: Actor, cohortId: string, userId: string): Promise<void> {
  const cohort = await requireManagedCohort(actor, cohortId);
  const filter = { cohortId: cohort._id, userId: new Types.ObjectId(userId) };
  // Read, then delete: a refused removal (not a member) writes nothing.
  const member = await CohortMember.findOne(filter).lean<CohortMemberDoc>();
  if (!member) throw new NotFound();
  await CohortMember.deleteOne(filter);
  await recordAudit({
    actorId: actor.id,
    action: 'cohort.member.remove',
    targetType: 'cohort',
    targetId: cohortId,
    before: { userId, joinedAt: member.joinedAt, via: member.via },
  });
}
