import { Types } from 'mongoose';
import type { Actor } from '../access/course-access';
import { Cohort } from './cohort.model';
import { memberIdsOf } from './cohort-roster.service';
import { requireManagedCohort } from './cohorts.service';

export type CohortChoice = { id: string; name: string };

/** Cohorts whose members a report can be restricted to: the reader's own (all for admins) that follow the course. */
export async function cohortChoicesFor(actor: Actor, courseSlug: string): Promise<CohortChoice[]> {
  const filter = { courseSlugs: courseSlug, ...(actor.role === 'admin' ? {} : { createdBy: new Types.ObjectId(actor.id) }) };
  const cohorts = await Cohort.find(filter, { name: 1 }).sort({ createdAt: -1 }).lean();
  return cohorts.map((cohort) => ({ id: String(cohort._id), name: cohort.name }));
}

/** A cohort's members for a report filter; Forbidden unless the reader manages the cohort, NotFound if there is none. */
export async function cohortMembersFor(actor: Actor, cohortId: string): Promise<{ name: string; memberIds: string[] }> {
  const cohort = await requireManagedCohort(actor, cohortId);
  return { name: cohort.name, memberIds: await memberIdsOf(cohort._id) };
}
