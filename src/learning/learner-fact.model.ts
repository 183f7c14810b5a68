import mongoose, { Schema, Types } from 'mongoose';
import { isDuplicateKey, onlyDuplicateKeys } from '../db/duplicate-key';
import { isMigrationDone, markMigrationDone } from '../db/migration-marks';

/**
 * What one learner has done in one course, as insert-only facts in one collection (`learnerFacts`), told apart by
 * `kind`: enrolled, visited a module, completed a module, passed a module's quiz, completed the course. A page reads
 * them all with ONE query on {learnerId, courseSlug} (each database operation costs about a millisecond on FerretDB,
 * so round trips decide page speed). Each kind is a Mongoose discriminator of this model, so the code that writes
 * one kind keeps its own model and types.
 *
 * Every fact is exactly-once behind the unique index {learnerId, courseSlug, kind, moduleSlug} (course-level facts
 * have no moduleSlug, so there is one per learner and course): FerretDB 1.24 loses concurrent updates of a document,
 * so nothing here relies on one. The one updated field is the enrolment's "where I was" position, where the last
 * writer winning is the intent.
 */
export type LearnerFactKind = 'enrolment' | 'visit' | 'completion' | 'quizPassed' | 'courseCompleted';

export type LearnerFactDoc = {
  kind: LearnerFactKind;
  learnerId: Types.ObjectId;
  courseSlug: string;
  moduleSlug?: string;
  /** See ADDED_MINUTE. */
  addedMinute?: number;
};

/** The current minute since the epoch. */
export const currentMinute = (now = Date.now()) => Math.floor(now / 60_000);

/**
 * The minute a fact was written. Reports read only what is new since their last refresh by asking for each minute
 * since then with an equality (`{addedMinute: m}`): FerretDB 1.24 pushes equality down to PostgreSQL (and its GIN
 * index), but evaluates a range such as `_id > x` itself after reading the whole collection.
 */
export const ADDED_MINUTE = { type: Number, default: () => currentMinute() };

const learnerFactSchema = new Schema<LearnerFactDoc>(
  {
    learnerId: { type: Schema.Types.ObjectId, required: true },
    courseSlug: { type: String, required: true },
    // Course-level facts (enrolment, courseCompleted) store '' rather than leaving the field out: FerretDB 1.24 does
    // not enforce a unique index on documents that lack one of its fields (measured: 10 concurrent enrolments, 10 kept).
    moduleSlug: { type: String, default: '' },
    addedMinute: ADDED_MINUTE,
  },
  { collection: 'learnerFacts', versionKey: false, discriminatorKey: 'kind' },
);
// One fact of each kind per learner, course and module: what makes every fact exactly-once. The learner leads, so it
// also serves the pages' read of everything one learner did in a course (or, for the dashboard, in all courses), and
// it can stay unique on a collection sharded by learner.
learnerFactSchema.index({ learnerId: 1, courseSlug: 1, kind: 1, moduleSlug: 1 }, { unique: true });
// Reports' refresh: what was added in a given minute. (Reports read each kind whole: no per-course index.)
learnerFactSchema.index({ addedMinute: 1 });

export const LearnerFact = mongoose.model<LearnerFactDoc>('LearnerFact', learnerFactSchema);

/** Declares one kind of fact (its own fields beside learnerId, courseSlug and kind). */
export function learnerFactKind<T>(name: string, kind: LearnerFactKind, fields: mongoose.SchemaDefinition<T>) {
  return LearnerFact.discriminator<T & LearnerFactDoc>(name, new Schema(fields, { versionKey: false }), { value: kind });
}

type QuizPassedDoc = LearnerFactDoc & { moduleSlug: string; passedAt: Date };
type CourseCompletedDoc = LearnerFactDoc & { completedAt: Date; courseVersion: number };

/** A module's quiz passed for the first time (the attempts themselves stay in quizAttempts). */
export const QuizPassed = learnerFactKind<QuizPassedDoc>('QuizPassed', 'quizPassed', {
  moduleSlug: { type: String, required: true },
  passedAt: { type: Date, required: true, default: () => new Date() },
});

/** The course rule met, once: the insert that wins emits the completion event (certificates listen to it). */
export const CourseCompleted = learnerFactKind<CourseCompletedDoc>('CourseCompleted', 'courseCompleted', {
  completedAt: { type: Date, required: true, default: () => new Date() },
  courseVersion: { type: Number, required: true, min: 1 },
});

/** Everything one learner did in one course (or in every course, without `courseSlug`), in one query. */
export function findLearnerFacts(learnerId: string | Types.ObjectId, courseSlug?: string) {
  const filter = { learnerId: new Types.ObjectId(learnerId), ...(courseSlug ? { courseSlug } : {}) };
  return LearnerFact.find(filter, { _id: 0 }).lean<(LearnerFactDoc & Record<string, unknown>)[]>();
}

/** `{kind: value}` for a kind of learner fact (a Mongoose discriminator), `{}` for any other model: for raw reads and writes. */
export function discriminatorFilter(model: { schema: unknown }): Record<string, unknown> {
  const mapping = (model.schema as { discriminatorMapping?: { key: string; value: unknown; isRoot: boolean } }).discriminatorMapping;
  return mapping && !mapping.isRoot ? { [mapping.key]: mapping.value } : {};
}

/** Collections of earlier versions whose documents are now kinds of learner facts. */
const LEGACY_FACTS: [collection: string, kind: LearnerFactKind][] = [
  ['enrolments', 'enrolment'],
  ['moduleCompletions', 'completion'],
  ['moduleVisits', 'visit'],
];

async function insertFacts(batch: mongoose.mongo.Document[]): Promise<void> {
  if (batch.length === 0) return;
  try {
    await LearnerFact.collection.insertMany(batch, { ordered: false });
  } catch (error) {
    // Moved by an interrupted earlier run, or the same fact twice: the unique index keeps one.
    if (!onlyDuplicateKeys(error)) throw error;
  }
}

/**
 * Moves the progress collections of earlier versions into learnerFacts (same _id, `kind` added), derives the
 * quizPassed and courseCompleted facts they implied, and drops each old collection once all of it is in.
 * Idempotent: a rerun skips what is already there.
 */
export async function migrateLegacyLearnerFacts(log: (line: string) => void): Promise<void> {
  const db = mongoose.connection.db!;
  const present = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  if (!LEGACY_FACTS.some(([name]) => present.has(name))) return;
  const started = Date.now();
  let moved = 0;
  const raw = { promoteLongs: false, promoteValues: false, promoteBuffers: false } as const;
  for (const [name, kind] of LEGACY_FACTS) {
    if (!present.has(name)) continue;
    const batch: mongoose.mongo.Document[] = [];
    for await (const doc of db.collection(name).find({}, raw)) {
      batch.push({ ...doc, kind, moduleSlug: doc.moduleSlug ?? '' });
      if (kind === 'enrolment' && doc.completedAt) {
        batch.push({
          kind: 'courseCompleted',
          learnerId: doc.learnerId,
          courseSlug: doc.courseSlug,
          moduleSlug: '',
          completedAt: doc.completedAt,
          courseVersion: doc.completedVersion ?? 1,
        });
      }
      if (batch.length >= 1000) await insertFacts(batch.splice(0));
      moved += 1;
    }
    await insertFacts(batch.splice(0));
    if (name === 'enrolments' && present.has('quizAttempts')) {
      for await (const attempt of db
        .collection('quizAttempts')
        .find({ isPassed: true }, { projection: { learnerId: 1, courseSlug: 1, moduleSlug: 1, submittedAt: 1 } })) {
        batch.push({
          kind: 'quizPassed',
          learnerId: attempt.learnerId,
          courseSlug: attempt.courseSlug,
          moduleSlug: attempt.moduleSlug,
          passedAt: attempt.submittedAt,
        });
        if (batch.length >= 1000) await insertFacts(batch.splice(0));
      }
      await insertFacts(batch.splice(0));
    }
    const [before, after] = await Promise.all([db.collection(name).countDocuments(), LearnerFact.collection.countDocuments({ kind })]);
    if (after < before) throw new Error(`${name}: ${before} documents but ${after} ${kind} facts after moving them`);
    await db.collection(name).drop();
  }
  log(`Moved ${moved} enrolments, completions and visits into learnerFacts (${Date.now() - started} ms)`);
}

/**
 * Course-level facts written before moduleSlug defaulted to '' lack the field, so FerretDB let duplicates in. Gives
 * each the '' it now has; one that then collides with its twin is that twin's duplicate and is removed.
 */
export async function fillCourseLevelModuleSlug(log: (line: string) => void): Promise<void> {
  const step = 'learner-facts-course-level-module-slug';
  if (await isMigrationDone(step)) return;
  const missing = await LearnerFact.collection.find({ moduleSlug: { $exists: false } }, { projection: { _id: 1 } }).toArray();
  if (missing.length === 0) return markMigrationDone(step);
  let removed = 0;
  for (const { _id } of missing) {
    try {
      await LearnerFact.collection.updateOne({ _id }, { $set: { moduleSlug: '' } });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await LearnerFact.collection.deleteOne({ _id });
      removed += 1;
    }
  }
  log(`Gave ${missing.length - removed} course-level learner facts an empty moduleSlug and removed ${removed} duplicates`);
  await markMigrationDone(step);
}
