import mongoose, { Schema, type Types } from 'mongoose';

/**
 * Cohorts: a trainer's group of learners following some courses between two dates. Everything that can race is an
 * insert behind a unique index (FerretDB 1.24 loses concurrent updates of one document): a membership, a closed join
 * code, a reminder sent in a week. A cohort itself is never edited after creation, so members carry a copy of its
 * name, courses and dates and the learner's dashboard reads them in one query.
 */
export type CohortDoc = {
  _id: Types.ObjectId;
  name: string;
  courseSlugs: string[];
  /** UTC dates (midnight) of the first and the last day. */
  startsOn: Date;
  endsOn: Date;
  createdBy: Types.ObjectId;
  createdAt: Date;
};

const cohortSchema = new Schema<CohortDoc>(
  {
    name: { type: String, required: true },
    courseSlugs: { type: [String], required: true },
    startsOn: { type: Date, required: true },
    endsOn: { type: Date, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'cohorts', versionKey: false },
);
// A trainer's list of cohorts (/cohorts).
cohortSchema.index({ createdBy: 1 });
export const Cohort = mongoose.model<CohortDoc>('Cohort', cohortSchema);

export type CohortMemberDoc = {
  cohortId: Types.ObjectId;
  userId: Types.ObjectId;
  joinedAt: Date;
  via: 'link' | 'invitation' | 'added';
  cohortName: string;
  courseSlugs: string[];
  startsOn: Date;
  endsOn: Date;
};

const cohortMemberSchema = new Schema<CohortMemberDoc>(
  {
    cohortId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    joinedAt: { type: Date, required: true, default: () => new Date() },
    via: { type: String, enum: ['link', 'invitation', 'added'], required: true },
    cohortName: { type: String, required: true },
    courseSlugs: { type: [String], required: true },
    startsOn: { type: Date, required: true },
    endsOn: { type: Date, required: true },
  },
  { collection: 'cohortMembers', versionKey: false },
);
// One membership per learner and cohort, whatever the number of concurrent joins; also the roster's read.
cohortMemberSchema.index({ cohortId: 1, userId: 1 }, { unique: true });
// The learner's cohorts (dashboard).
cohortMemberSchema.index({ userId: 1 });
export const CohortMember = mongoose.model<CohortMemberDoc>('CohortMember', cohortMemberSchema);

/** A join link's code; the newest open one of a cohort is its current link. */
export type CohortJoinCodeDoc = { cohortId: Types.ObjectId; code: string; createdAt: Date; expiresAt: Date | null };
const joinCodeSchema = new Schema<CohortJoinCodeDoc>(
  {
    cohortId: { type: Schema.Types.ObjectId, required: true },
    code: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    expiresAt: { type: Date, default: null },
  },
  { collection: 'cohortJoinCodes', versionKey: false },
);
// /join/<code>.
joinCodeSchema.index({ code: 1 }, { unique: true });
// The cohort page's current link.
joinCodeSchema.index({ cohortId: 1 });
export const CohortJoinCode = mongoose.model<CohortJoinCodeDoc>('CohortJoinCode', joinCodeSchema);

/** The fact that a code was closed (insert-only: closing twice is one closure). */
export type CohortCodeClosureDoc = { code: string; cohortId: Types.ObjectId; closedBy: Types.ObjectId; closedAt: Date };
const closureSchema = new Schema<CohortCodeClosureDoc>(
  {
    code: { type: String, required: true },
    cohortId: { type: Schema.Types.ObjectId, required: true },
    closedBy: { type: Schema.Types.ObjectId, required: true },
    closedAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'cohortCodeClosures', versionKey: false },
);
// Checked by /join/<code>; also makes a closure exactly-once.
closureSchema.index({ code: 1 }, { unique: true });
// The cohort page reads its closed codes.
closureSchema.index({ cohortId: 1 });
export const CohortCodeClosure = mongoose.model<CohortCodeClosureDoc>('CohortCodeClosure', closureSchema);

/** An invitation to an address without an account: used when that address registers, or through its link. */
export type CohortInvitationDoc = {
  cohortId: Types.ObjectId;
  email: string;
  tokenHash: string;
  invitedBy: Types.ObjectId;
  createdAt: Date;
  expiresAt: Date;
};
const invitationSchema = new Schema<CohortInvitationDoc>(
  {
    cohortId: { type: Schema.Types.ObjectId, required: true },
    email: { type: String, required: true },
    tokenHash: { type: String, required: true },
    invitedBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'cohortInvitations', versionKey: false },
);
// The invitation link.
invitationSchema.index({ tokenHash: 1 }, { unique: true });
// A confirmed registration looks for invitations to its address.
invitationSchema.index({ email: 1 });
export const CohortInvitation = mongoose.model<CohortInvitationDoc>('CohortInvitation', invitationSchema);

/** A reminder sent to a learner in an ISO week: the unique index is what makes "once a week at most" hold. */
export type CohortReminderDoc = { userId: Types.ObjectId; isoWeek: string; cohortId: Types.ObjectId; sentBy: Types.ObjectId; sentAt: Date };
const reminderSchema = new Schema<CohortReminderDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    isoWeek: { type: String, required: true },
    cohortId: { type: Schema.Types.ObjectId, required: true },
    sentBy: { type: Schema.Types.ObjectId, required: true },
    sentAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'cohortReminders', versionKey: false },
);
// Per learner, whichever cohort sent it: a learner in three cohorts still gets at most one reminder a week.
reminderSchema.index({ userId: 1, isoWeek: 1 }, { unique: true });
export const CohortReminder = mongoose.model<CohortReminderDoc>('CohortReminder', reminderSchema);
