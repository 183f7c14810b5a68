import type { mongo } from 'mongoose';
import { User, enterpriseSizes } from '../accounts/user.model';
import { Certificate } from '../certificates/certificate.model';
import type { CourseVersionDoc } from '../courses/course-version.model';
import { Enrolment } from '../learning/enrolment.model';
import { ModuleCompletion } from '../learning/module-completion.model';
import { ModuleTime, ModuleVisit } from '../learning/module-activity.model';
import { QuizAttempt } from '../learning/quiz-attempt.model';
import { CourseCompleted, discriminatorFilter } from '../learning/learner-fact.model';

type Document = mongo.Document;

export type Profile = { name: string; email: string; size: number; women: number; language: number; region: string };
/** `shown`: first attempts whose draw included the question; `responses`: those that answered it. */
export type QuestionTally = { shown: number; responses: number; correct: number; wrong: Map<string, number>; correctSet: Set<string> };

/**
 * Everything the report of one course needs, gathered in one streaming pass over each collection. Per learner it
 * keeps numbers in typed arrays (about 40 bytes per learner and module), never documents.
 */
export class CourseTally {
  readonly moduleIndex: Map<string, number>;
  readonly moduleCount: number;
  readonly learnerIndex = new Map<string, number>();
  readonly learnerIds: string[] = [];
  readonly enrolledAt: number[] = [];
  readonly completedAt: number[] = [];
  startedAny = new Uint8Array(0);
  certified = new Uint8Array(0);
  visitedAt = new Float64Array(0);
  moduleCompletedAt = new Float64Array(0);
  seconds = new Float64Array(0);
  views = new Uint32Array(0);
  totalSeconds = new Float64Array(0);
  /** Flat records of six numbers: learner, module, attempt number, score, passed, submitted at. */
  readonly attempts: number[] = [];
  readonly questions = new Map<string, QuestionTally>();
  /** Learners the per-learner arrays have room for (0 until `allocate`). */
  private capacity = 0;

  constructor(readonly course: CourseVersionDoc) {
    this.moduleIndex = new Map(course.modules.map((module, i) => [module.slug, i]));
    this.moduleCount = course.modules.length;
    for (const module of course.modules) {
      for (const question of module.quiz?.questions ?? []) {
        const correct = typeof question.answer === 'boolean' ? [String(question.answer)] : question.answer;
        this.questions.set(`${module.slug}\u0000${question.id}`, {
          shown: 0,
          responses: 0,
          correct: 0,
          wrong: new Map(),
          correctSet: new Set(correct),
        });
      }
    }
  }

  addEnrolment(learnerId: string, enrolledAt: number, completedAt: number | undefined): void {
    if (this.learnerIndex.has(learnerId)) return;
    this.learnerIndex.set(learnerId, this.learnerIds.length);
    this.learnerIds.push(learnerId);
    this.enrolledAt.push(enrolledAt);
    this.completedAt.push(completedAt ?? 0);
    if (this.learnerIds.length > this.capacity && this.capacity > 0) this.allocate(this.capacity * 2);
  }

  /**
   * Sizes the per-learner arrays for `capacity` learners (by default those known so far), keeping what they hold:
   * a build allocates once after reading every enrolment; the seeder, which adds learners as it goes, grows them.
   */
  allocate(capacity = this.learnerIds.length): void {
    const m = this.moduleCount;
    const resize = <T extends Uint8Array | Uint32Array | Float64Array>(old: T, make: (n: number) => T, n: number) => {
      const next = make(n);
      next.set(old.subarray(0, Math.min(old.length, n)) as never);
      return next;
    };
    this.startedAny = resize(this.startedAny, (n) => new Uint8Array(n), capacity);
    this.certified = resize(this.certified, (n) => new Uint8Array(n), capacity);
    this.totalSeconds = resize(this.totalSeconds, (n) => new Float64Array(n), capacity);
    this.visitedAt = resize(this.visitedAt, (n) => new Float64Array(n), capacity * m);
    this.moduleCompletedAt = resize(this.moduleCompletedAt, (n) => new Float64Array(n), capacity * m);
    this.seconds = resize(this.seconds, (n) => new Float64Array(n), capacity * m);
    this.views = resize(this.views, (n) => new Uint32Array(n), capacity * m);
    this.capacity = capacity;
  }

  /** Learner and module positions of an activity record; the module is -1 when the live version no longer has it. */
  locate(learnerId: string, moduleSlug: string): { learner: number; cell: number } | undefined {
    const learner = this.learnerIndex.get(learnerId);
    if (learner === undefined) return undefined;
    const module = this.moduleIndex.get(moduleSlug);
    return { learner, cell: module === undefined ? -1 : learner * this.moduleCount + module };
  }
}

export type ScanProgress = (collection: string, documents: number, ms: number) => void;

/** A model's whole collection, or one kind of learner fact (they share learnerFacts). */
type Source = { collection: mongo.Collection; schema: unknown; modelName: string };

async function scan(model: Source, projection: Document, onDocument: (doc: Document) => void, progress?: ScanProgress): Promise<void> {
  const started = Date.now();
  let count = 0;
  // Every course at once: the report covers them all. Only the kind is filtered (an equality FerretDB pushes down).
  const filter = discriminatorFilter(model);
  for await (const doc of model.collection.find(filter, { projection, batchSize: 5000 })) {
    onDocument(doc);
    count += 1;
  }
  progress?.(model.modelName, count, Date.now() - started);
}

const hex = (value: unknown) => String(value);
const time = (value: unknown) => (value instanceof Date ? value.getTime() : 0);

function profileOf(doc: Document): Profile {
  const profile = (doc.profile ?? {}) as Record<string, unknown>;
  const size = enterpriseSizes.indexOf(profile.enterpriseSize as (typeof enterpriseSizes)[number]);
  return {
    name: String(doc.name ?? ''),
    email: String(doc.email ?? ''),
    size: size < 0 ? 4 : size,
    women: profile.womenOwned === true ? 0 : profile.womenOwned === false ? 1 : 2,
    language: profile.preferredLanguage === 'en' ? 0 : profile.preferredLanguage === 'zh-CN' ? 1 : 2,
    region: typeof profile.region === 'string' ? profile.region.trim() : '',
  };
}

/**
 * What each kind of document adds to the tallies. The build feeds it from the database; the seeder feeds it the
 * documents it generates (so a seeded database has its snapshot without reading two million documents back).
 * Enrolments first: a learner's other documents count only once the learner is known.
 */
export class TallyFeeder {
  readonly profiles = new Map<string, Profile>();
  private readonly tallyList: CourseTally[];

  constructor(readonly tallies: Map<string, CourseTally>) {
    this.tallyList = [...tallies.values()];
  }

  private activity(doc: Document) {
    const tally = this.tallies.get(doc.courseSlug as string);
    const at = tally?.locate(hex(doc.learnerId), doc.moduleSlug as string);
    return tally && at ? { tally, at } : undefined;
  }

  enrolment = (doc: Document): void => {
    this.tallies
      .get(doc.courseSlug as string)
      ?.addEnrolment(hex(doc.learnerId), time(doc.enrolledAt), doc.completedAt ? time(doc.completedAt) : undefined);
  };

  user = (doc: Document): void => {
    const id = hex(doc._id);
    if (this.tallyList.some((tally) => tally.learnerIndex.has(id))) this.profiles.set(id, profileOf(doc));
  };

  visit = (doc: Document): void => {
    const found = this.activity(doc);
    if (!found) return;
    found.tally.startedAny[found.at.learner] = 1;
    if (found.at.cell >= 0) found.tally.visitedAt[found.at.cell] = time(doc.firstVisitedAt);
  };

  completion = (doc: Document): void => {
    const found = this.activity(doc);
    if (!found) return;
    found.tally.startedAny[found.at.learner] = 1;
    if (found.at.cell >= 0) found.tally.moduleCompletedAt[found.at.cell] = time(doc.completedAt);
  };

  time = (doc: Document): void => {
    const found = this.activity(doc);
    if (!found) return;
    const { tally, at } = found;
    const seconds = Number(doc.seconds) || 0;
    tally.totalSeconds[at.learner] = (tally.totalSeconds[at.learner] ?? 0) + seconds;
    if (at.cell < 0) return;
    tally.seconds[at.cell] = (tally.seconds[at.cell] ?? 0) + seconds;
    tally.views[at.cell] = (tally.views[at.cell] ?? 0) + 1;
  };

  attempt = (doc: Document): void => {
    const found = this.activity(doc);
    if (!found || found.at.cell < 0) return;
    const { tally, at } = found;
    const module = at.cell - at.learner * tally.moduleCount;
    tally.attempts.push(
      at.learner,
      module,
      Number(doc.attemptNumber) || 0,
      Number(doc.score) || 0,
      doc.isPassed ? 1 : 0,
      time(doc.submittedAt),
    );
    if (doc.attemptNumber !== 1) return;
    for (const answer of (doc.answers ?? []) as { questionId?: string; chosen?: string[]; isCorrect?: boolean }[]) {
      const question = tally.questions.get(`${doc.moduleSlug as string}\u0000${answer.questionId ?? ''}`);
      if (!question) continue;
      // An attempt records every question its draw showed (answered or not), and only those.
      question.shown += 1;
      if ((answer.chosen ?? []).length > 0) question.responses += 1;
      if (answer.isCorrect) {
        question.correct += 1;
        continue;
      }
      for (const choice of answer.chosen ?? []) {
        if (!question.correctSet.has(choice)) question.wrong.set(choice, (question.wrong.get(choice) ?? 0) + 1);
      }
    }
  };

  /** A course completed after the enrolment was read (a refresh): the enrolment's completion time. */
  courseCompleted = (doc: Document): void => {
    const tally = this.tallies.get(doc.courseSlug as string);
    const learner = tally?.learnerIndex.get(hex(doc.learnerId));
    if (tally && learner !== undefined && !tally.completedAt[learner]) tally.completedAt[learner] = time(doc.completedAt);
  };

  certificate = (doc: Document): void => {
    if (doc.status !== 'valid') return;
    const tally = this.tallies.get(doc.courseSlug as string);
    const learner = tally?.learnerIndex.get(hex(doc.learnerId));
    if (tally && learner !== undefined) tally.certified[learner] = 1;
  };
}

export type CollectOptions = {
  progress?: ScanProgress;
  /** Ids of documents added in this minute or later are put in `seen` (so a later refresh does not count them twice). */
  recordFrom?: { minute: number; seen: Set<string> };
};

/** Reads every collection once and fills one tally per course; returns the feeder, which holds the learners' profiles. */
export async function collectTallies(tallies: Map<string, CourseTally>, options: CollectOptions = {}): Promise<TallyFeeder> {
  const feed = new TallyFeeder(tallies);
  const { progress, recordFrom } = options;
  const noting = (onDocument: (doc: Document) => void) => (doc: Document) => {
    if (recordFrom && Number(doc.addedMinute) >= recordFrom.minute) recordFrom.seen.add(String(doc._id));
    onDocument(doc);
  };
  await scan(Enrolment, { learnerId: 1, courseSlug: 1, enrolledAt: 1, completedAt: 1, addedMinute: 1 }, noting(feed.enrolment), progress);
  for (const tally of tallies.values()) tally.allocate();
  // One collection at a time: reading them concurrently was slower here (FerretDB contends on SQLite) and a getMore
  // then waited past the driver's 30 s socket timeout.
  await scan(User, { name: 1, email: 1, profile: 1 }, feed.user, progress);
  await scan(ModuleVisit, { learnerId: 1, courseSlug: 1, moduleSlug: 1, firstVisitedAt: 1, addedMinute: 1 }, noting(feed.visit), progress);
  await scan(
    ModuleCompletion,
    { learnerId: 1, courseSlug: 1, moduleSlug: 1, completedAt: 1, addedMinute: 1 },
    noting(feed.completion),
    progress,
  );
  await scan(
    CourseCompleted,
    { addedMinute: 1 },
    noting(() => undefined),
    progress,
  );
  await scan(ModuleTime, { learnerId: 1, courseSlug: 1, moduleSlug: 1, seconds: 1, addedMinute: 1 }, noting(feed.time), progress);
  await scan(
    QuizAttempt,
    { learnerId: 1, courseSlug: 1, moduleSlug: 1, attemptNumber: 1, score: 1, isPassed: 1, submittedAt: 1, answers: 1, addedMinute: 1 },
    noting(feed.attempt),
    progress,
  );
  await scan(Certificate, { learnerId: 1, courseSlug: 1, status: 1 }, feed.certificate, progress);
  return feed;
}
