import mongoose, { Schema, Types, type mongo } from 'mongoose';
import { User } from '../accounts/user.model';
import { Certificate } from '../certificates/certificate.model';
import { isDuplicateKey } from '../db/duplicate-key';
import { LearnerFact } from '../learning/learner-fact.model';
import { ModuleTime } from '../learning/module-activity.model';
import { QuizAttempt } from '../learning/quiz-attempt.model';
import type { TallyFeeder } from './report-collect';

/**
 * A report refresh that reads only what was added since the last one. Learner facts, quiz attempts and reading
 * times are insert-only and carry the minute they were added (`addedMinute`), so the refresh asks for each minute
 * since the last one with an equality, which FerretDB 1.24 pushes down to PostgreSQL's index (a range on `_id` it
 * would evaluate itself after reading the whole collection). Documents of the last minute already read are
 * remembered by id, since that minute can still receive more.
 */
export type AddedSince = { documentsRead: number; seen: Set<string> };

type Doc = mongo.Document;
const ATTEMPT_FIELDS = { learnerId: 1, courseSlug: 1, moduleSlug: 1, attemptNumber: 1, score: 1, isPassed: 1, submittedAt: 1, answers: 1 };

async function addedIn(collection: mongo.Collection, fromMinute: number, upTo: number, projection?: Doc): Promise<Doc[]> {
  const docs: Doc[] = [];
  for (let minute = fromMinute; minute <= upTo; minute += 1)
    docs.push(
      ...(await collection.find({ addedMinute: minute }, projection ? { projection: { ...projection, addedMinute: 1 } } : {}).toArray()),
    );
  return docs;
}

/** Feeds the tallies what was added from `fromMinute` to `upTo` (inclusive), skipping documents already `seen`. */
export async function feedAddedSince(feed: TallyFeeder, fromMinute: number, upTo: number, seen: Set<string>): Promise<AddedSince> {
  const [facts, attempts, times] = [
    await addedIn(LearnerFact.collection, fromMinute, upTo),
    await addedIn(QuizAttempt.collection, fromMinute, upTo, ATTEMPT_FIELDS),
    await addedIn(ModuleTime.collection, fromMinute, upTo),
  ];
  const documentsRead = facts.length + attempts.length + times.length;
  const nextSeen = new Set([...facts, ...attempts, ...times].filter((doc) => doc.addedMinute === upTo).map((doc) => String(doc._id)));
  const isNew = (doc: Doc) => !seen.has(String(doc._id));
  const newFacts = facts.filter(isNew);
  const ofKind = (kind: string) => newFacts.filter((fact) => fact.kind === kind);

  // Enrolments first: a learner's other facts count only once the learner is known.
  const grown = new Set<string>();
  for (const enrolment of ofKind('enrolment')) {
    feed.enrolment(enrolment);
    grown.add(String(enrolment.courseSlug));
    const learnerId = String(enrolment.learnerId);
    if (!feed.profiles.has(learnerId)) {
      const user = await User.collection.findOne({ _id: new Types.ObjectId(learnerId) }, { projection: { name: 1, email: 1, profile: 1 } });
      if (user) feed.user(user);
    }
  }
  for (const slug of grown) feed.tallies.get(slug)?.allocate();
  for (const visit of ofKind('visit')) feed.visit(visit);
  for (const completion of ofKind('completion')) feed.completion(completion);
  for (const completed of ofKind('courseCompleted')) {
    feed.courseCompleted(completed);
    // The certificate is issued right after the course is completed: look it up by its learner and course.
    const certificate = await Certificate.collection.findOne(
      { learnerId: String(completed.learnerId), courseSlug: completed.courseSlug },
      { projection: { learnerId: 1, courseSlug: 1, status: 1 } },
    );
    if (certificate) feed.certificate(certificate);
  }
  for (const time of times.filter(isNew)) feed.time(time);
  for (const attempt of attempts.filter(isNew)) feed.attempt(attempt);
  return { documentsRead, seen: nextSeen };
}

/**
 * One background refresh per minute across every process of the app: the first to insert the minute's claim builds
 * (insert-only behind the unique _id; FerretDB 1.24 loses concurrent updates, so no lock document is updated).
 */
const RefreshClaim = mongoose.model<{ _id: string; at: Date }>(
  'ReportRefreshClaim',
  new Schema<{ _id: string; at: Date }>(
    { _id: String, at: { type: Date, default: () => new Date() } },
    { collection: 'reportRefreshClaims', versionKey: false },
  ),
);

export async function claimRefresh(minute: number): Promise<boolean> {
  try {
    await RefreshClaim.create({ _id: `reports:${minute}` });
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
  await RefreshClaim.deleteMany({ at: { $lt: new Date(Date.now() - 24 * 60 * 60 * 1000) } });
  return true;
}
