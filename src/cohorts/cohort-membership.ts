import { Types } from 'mongoose';
import { CohortMember, type CohortMemberDoc } from './cohort.model';

export type LearnerCohort = Pick<CohortMemberDoc, 'cohortName' | 'courseSlugs' | 'startsOn' | 'endsOn'>;

/** The learner's cohorts with their course dates, from the memberships alone (one query, for the dashboard). */
export async function listLearnerCohorts(userId: string): Promise<LearnerCohort[]> {
  return CohortMember.find({ userId: new Types.ObjectId(userId) }, { cohortName: 1, courseSlugs: 1, startsOn: 1, endsOn: 1, _id: 0 })
    .sort({ startsOn: 1 })
    .lean<LearnerCohort[]>();
}
