import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { Cohort, CohortCodeClosure, CohortInvitation, CohortJoinCode, CohortMember, type CohortDoc } from '../../src/cohorts/cohort.model';

/** A cohort of the matrix course made by its trainer, with the learner in it, a join code and an invitation token. */
export type CohortFixture = { id: string; code: string; token: string };

const CODE = 'MatrixJoinCode_0123456';
const TOKEN = 'MatrixInvitationToken_0123456789abcdefghijk';

function memberOf(cohort: CohortDoc, userId: string) {
  return {
    cohortId: cohort._id,
    userId: new Types.ObjectId(userId),
    via: 'link' as const,
    cohortName: cohort.name,
    courseSlugs: cohort.courseSlugs,
    startsOn: cohort.startsOn,
    endsOn: cohort.endsOn,
  };
}

export async function buildCohortFixture(courseSlug: string, trainerId: string, learnerId: string): Promise<CohortFixture> {
  const cohort = await Cohort.create({
    name: 'Matrix cohort',
    courseSlugs: [courseSlug],
    startsOn: new Date(Date.UTC(2025, 0, 1)),
    endsOn: new Date(Date.UTC(2099, 0, 1)),
    createdBy: new Types.ObjectId(trainerId),
  });
  await CohortJoinCode.create({ cohortId: cohort._id, code: CODE, expiresAt: null });
  await CohortMember.create(memberOf(cohort.toObject(), learnerId));
  await issueInvitation(cohort._id);
  return { id: String(cohort._id), code: CODE, token: TOKEN };
}

async function issueInvitation(cohortId: Types.ObjectId): Promise<void> {
  const tokenHash = createHash('sha256').update(TOKEN).digest('hex');
  if (await CohortInvitation.exists({ tokenHash })) return;
  await CohortInvitation.create({
    cohortId,
    email: 'matrix-invitee@example.org',
    tokenHash,
    invitedBy: new Types.ObjectId(),
    expiresAt: new Date(Date.UTC(2099, 0, 1)),
  });
}

/** Puts the cohort back as built: the learner the only member, the fixture code the only open one, the invitation unused. */
export async function resetCohortFixture(fixture: CohortFixture, learnerId: string): Promise<void> {
  const cohort = (await Cohort.findById(fixture.id).lean<CohortDoc>())!;
  await CohortMember.deleteMany({ cohortId: cohort._id, userId: { $ne: new Types.ObjectId(learnerId) } });
  if (!(await CohortMember.exists({ cohortId: cohort._id, userId: new Types.ObjectId(learnerId) }))) {
    await CohortMember.create(memberOf(cohort, learnerId));
  }
  await CohortCodeClosure.deleteMany({ cohortId: cohort._id });
  await CohortJoinCode.deleteMany({ cohortId: cohort._id, code: { $ne: fixture.code } });
  await issueInvitation(cohort._id);
}
