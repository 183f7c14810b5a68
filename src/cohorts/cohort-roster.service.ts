import { Types } from 'mongoose';
import { User } from '../accounts/user.model';
import { Certificate } from '../certificates/certificate.model';
import type { CourseVersionDoc } from '../courses/course-version.model';
import { getLiveCourse } from '../courses/courses.service';
import { LearnerFact, type LearnerFactDoc } from '../learning/learner-fact.model';
import { learnerStateFromFacts } from '../learning/learning.service';
import { latestReadinessLevels } from '../readiness/readiness.service';
import { CohortMember, CohortReminder, type CohortDoc } from './cohort.model';
import type { SortKey } from './cohorts.schemas';

export const STUCK_AFTER_DAYS = 14;
const DAY_MS = 24 * 3600 * 1000;

export type RosterCourse = { slug: string; title: { en: string; zh: string } | null };
export type RosterRow = {
  userId: string;
  name: string;
  email: string;
  language: string;
  joinedAt: Date;
  /** Percent per cohort course, in the cohort's course order; null when not enrolled (or the course is not live). */
  progress: (number | null)[];
  averagePercent: number;
  lastActivity: Date | null;
  /** No activity in the cohort's courses for 14 days (counted from joining when there was none at all). */
  isStuck: boolean;
  certificates: { serial: string; courseSlug: string }[];
  readiness: { level: string; takenAt: Date } | null;
  remindedThisWeek: boolean;
};
export type Roster = { courses: RosterCourse[]; rows: RosterRow[] };

/** The ISO 8601 week of a date, as `2026-W49` (UTC). */
export function isoWeekOf(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

type Fact = LearnerFactDoc & Record<string, unknown>;

function lastActivityOf(facts: Fact[]): Date | null {
  let latest = 0;
  for (const fact of facts) {
    if (typeof fact.addedMinute === 'number') latest = Math.max(latest, fact.addedMinute * 60_000);
    for (const field of ['lastVisitedAt', 'enrolledAt', 'completedAt', 'passedAt']) {
      const value = fact[field];
      if (value instanceof Date) latest = Math.max(latest, value.getTime());
    }
  }
  return latest ? new Date(latest) : null;
}

/**
 * Every member with progress per course, last activity, certificates and readiness. The number of database round
 * trips does not grow with the members: memberships, then users, facts, certificates and reminders each in one
 * query with `$in` (course versions come from the live-course cache).
 */
export async function buildRoster(cohort: CohortDoc, now = new Date()): Promise<Roster> {
  const members = await CohortMember.find({ cohortId: cohort._id }, { userId: 1, joinedAt: 1, _id: 0 }).lean();
  const ids = members.map((member) => member.userId);
  const idStrings = ids.map(String);
  const isoWeek = isoWeekOf(now);
  const [users, facts, certificates, reminders, courses, readiness] = await Promise.all([
    ids.length ? User.find({ _id: { $in: ids } }, { name: 1, email: 1, profile: 1 }).lean() : [],
    ids.length ? LearnerFact.find({ learnerId: { $in: ids }, courseSlug: { $in: cohort.courseSlugs } }, { _id: 0 }).lean<Fact[]>() : [],
    ids.length
      ? Certificate.find(
          { learnerId: { $in: idStrings }, courseSlug: { $in: cohort.courseSlugs }, status: 'valid' },
          { serial: 1, courseSlug: 1, learnerId: 1, _id: 0 },
        ).lean()
      : [],
    ids.length ? CohortReminder.find({ userId: { $in: ids }, isoWeek }, { userId: 1, _id: 0 }).lean() : [],
    Promise.all(cohort.courseSlugs.map((slug) => getLiveCourse(slug))),
    // The readiness service reads one indexed document per learner, in parallel (FerretDB serves equality from its
    // index but `$in` with a full scan): the one part of the roster that grows with the members.
    latestReadinessLevels(idStrings),
  ]);
  const userById = new Map(users.map((user) => [String(user._id), user]));
  const factsByUser = new Map<string, Fact[]>();
  for (const fact of facts) {
    const key = String(fact.learnerId);
    factsByUser.set(key, [...(factsByUser.get(key) ?? []), fact]);
  }
  const certificatesByUser = new Map<string, { serial: string; courseSlug: string }[]>();
  for (const certificate of certificates) {
    const list = certificatesByUser.get(certificate.learnerId) ?? [];
    list.push({ serial: certificate.serial, courseSlug: certificate.courseSlug });
    certificatesByUser.set(certificate.learnerId, list);
  }
  const reminded = new Set(reminders.map((reminder) => String(reminder.userId)));
  const rows: RosterRow[] = [];
  for (const member of members) {
    const userId = String(member.userId);
    const user = userById.get(userId);
    if (!user) continue; // an account deleted since joining
    const own = factsByUser.get(userId) ?? [];
    const progress = cohort.courseSlugs.map((slug, i) => {
      const course = courses[i] as CourseVersionDoc | undefined;
      const inCourse = own.filter((fact) => fact.courseSlug === slug);
      if (!course || !inCourse.some((fact) => fact.kind === 'enrolment')) return null;
      return learnerStateFromFacts(course, inCourse).percent;
    });
    const lastActivity = lastActivityOf(own);
    const since = (lastActivity ?? member.joinedAt).getTime();
    rows.push({
      userId,
      name: user.name,
      email: user.email,
      language: user.profile?.preferredLanguage ?? 'en',
      joinedAt: member.joinedAt,
      progress,
      averagePercent: progress.length ? Math.round(progress.reduce<number>((sum, value) => sum + (value ?? 0), 0) / progress.length) : 0,
      lastActivity,
      isStuck: now.getTime() - since >= STUCK_AFTER_DAYS * DAY_MS,
      certificates: certificatesByUser.get(userId) ?? [],
      readiness: readiness.get(userId) ?? null,
      remindedThisWeek: reminded.has(userId),
    });
  }
  return {
    courses: cohort.courseSlugs.map((slug, i) => ({ slug, title: courses[i]?.title ?? null })),
    rows: sortRoster(rows, 'name', 'asc'),
  };
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Sorts rows by a column; ties fall back to the name, so the order is stable. */
export function sortRoster(rows: RosterRow[], key: SortKey, dir: 'asc' | 'desc'): RosterRow[] {
  const value = (row: RosterRow): number | string => {
    switch (key) {
      case 'progress':
        return row.averagePercent;
      case 'activity':
        return row.lastActivity?.getTime() ?? 0;
      case 'certificates':
        return row.certificates.length;
      case 'readiness':
        return row.readiness?.level ?? '';
      default:
        return row.name;
    }
  };
  const sign = dir === 'desc' ? -1 : 1;
  return [...rows].sort((a, b) => {
    const left = value(a);
    const right = value(b);
    const order = typeof left === 'number' && typeof right === 'number' ? left - right : collator.compare(String(left), String(right));
    return order !== 0 ? sign * order : collator.compare(a.name, b.name) || a.userId.localeCompare(b.userId);
  });
}

export const memberIdsOf = async (cohortId: Types.ObjectId): Promise<string[]> =>
  (await CohortMember.find({ cohortId }, { userId: 1, _id: 0 }).lean()).map((member) => String(member.userId));
