import { recordAudit } from '../audit/audit.service';
import { Course } from '../courses/course.model';
import { getLiveCourse } from '../courses/courses.service';
import type { CourseVersionDoc } from '../courses/course-version.model';
import { Conflict, HttpError, NotFound } from '../http/errors';
import { assertCanManageCourse, type Actor } from '../access/course-access';
import { appendDraftRevision, closeDraft, findDraft, findDraftHead, type CourseDraftDoc } from './course-draft.model';
import { draftFromVersion } from './draft-convert';
import { withCheckedFolder, type AuthoringContext } from './draft-folder';
import type { DraftContent, DraftProblem } from './draft-types';

/** What an author edits: the draft when there is one, else the live version (saved as a draft on the first edit). */
export type WorkingCopy = {
  slug: string;
  content: DraftContent;
  problems: DraftProblem[];
  contentHash?: string;
  /** The course's latest draft revision number (0 when none was ever stored); the next save stores revision + 1. */
  revision: number;
  baseVersion: number;
  isDraft: boolean;
  live?: CourseVersionDoc;
  updatedAt?: Date;
};

export class DraftConflict extends HttpError {
  constructor() {
    super(409, 'authoring.conflict');
  }
}

function contentOf(doc: Pick<CourseDraftDoc, 'meta' | 'modules' | 'assets'>): DraftContent {
  return { meta: doc.meta, modules: doc.modules ?? [], assets: doc.assets ?? [] };
}

/** The working copy of a course; Forbidden unless the actor manages it, NotFound when it has neither draft nor live version. */
export async function getWorkingCopy(actor: Actor, slug: string): Promise<WorkingCopy> {
  await assertCanManageCourse(actor, slug);
  const [{ draft, revision }, live] = await Promise.all([findDraftHead(slug), getLiveCourse(slug)]);
  if (draft) {
    return {
      slug,
      content: contentOf(draft),
      problems: draft.problems ?? [],
      contentHash: draft.contentHash,
      revision: draft.revision,
      baseVersion: draft.baseVersion,
      isDraft: true,
      live,
      updatedAt: draft.updatedAt,
    };
  }
  if (!live) throw new NotFound();
  return {
    slug,
    content: draftFromVersion(live),
    problems: [],
    contentHash: live.contentHash,
    revision,
    baseVersion: live.version,
    isDraft: false,
    live,
  };
}

/** Validates content with the course validator; the content hash is set only when there is no problem. */
export async function checkDraftContent(
  context: AuthoringContext,
  slug: string,
  content: DraftContent,
): Promise<{ problems: DraftProblem[]; contentHash?: string }> {
  return withCheckedFolder(context, slug, content, async ({ result, problems }) => ({ problems, contentHash: result.course?.contentHash }));
}

/** Stores `content` as revision `revision + 1`; false when another save took that number first. */
function storeRevision(
  copy: WorkingCopy,
  content: DraftContent,
  checked: { problems: DraftProblem[]; contentHash?: string },
  actorId: string,
): Promise<boolean> {
  return appendDraftRevision({
    courseSlug: copy.slug,
    revision: copy.revision + 1,
    baseVersion: copy.baseVersion,
    meta: content.meta,
    modules: content.modules,
    assets: content.assets,
    problems: checked.problems,
    ...(checked.contentHash ? { contentHash: checked.contentHash } : {}),
    updatedBy: actorId,
  });
}

/** A save of one trainer competes with at most a class of co-authors; 20 at once all land within these tries. */
const SAVE_ATTEMPTS = 40;

export type SaveOutcome = { problems: DraftProblem[]; revision: number; result: unknown };

/**
 * Applies one edit to the working copy, validates the result, and stores it as the next revision of the draft.
 * Another save landing in between takes that revision number first; the edit is then re-applied to the newer
 * revision, so concurrent edits all survive (after SAVE_ATTEMPTS tries the save is refused with 409, never lost
 * silently). Every save is audited.
 */
export async function saveDraft(
  context: AuthoringContext,
  actor: Actor,
  slug: string,
  change: string,
  edit: (content: DraftContent) => unknown,
): Promise<SaveOutcome> {
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt += 1) {
    // After a lost race, wait a random moment so that the same savers do not collide again in lockstep.
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    const copy = await getWorkingCopy(actor, slug);
    const content = structuredClone(copy.content);
    const result = edit(content);
    const checked = await checkDraftContent(context, slug, content);
    if (!(await storeRevision(copy, content, checked, actor.id))) continue;
    await deleteUnusedUploads(context, copy.content, content);
    await recordAudit({
      actorId: actor.id,
      action: 'course.draft.save',
      targetType: 'course',
      targetId: slug,
      before: { revision: copy.revision, contentHash: copy.contentHash ?? null },
      after: { revision: copy.revision + 1, contentHash: checked.contentHash ?? null, change, problems: checked.problems.length },
    });
    return { problems: checked.problems, revision: copy.revision + 1, result };
  }
  throw new DraftConflict();
}

/** Upload storage objects the old content used and the new one does not (a removed or replaced asset). */
export async function deleteUnusedUploads(context: AuthoringContext, before: DraftContent, after: DraftContent | undefined): Promise<void> {
  const kept = new Set((after?.assets ?? []).map((asset) => asset.storageKey).filter(Boolean));
  for (const asset of before.assets) {
    if (asset.storageKey && !kept.has(asset.storageKey)) await context.storage.delete(asset.storageKey);
  }
}

/** Drops the draft (the live version stays as it is). */
export async function discardDraft(context: AuthoringContext, actor: Actor, slug: string): Promise<void> {
  await assertCanManageCourse(actor, slug);
  const draft = await findDraft(slug);
  if (!draft) return;
  // A course that was never published exists only as its draft: discarding it would delete the course.
  if (!(await Course.exists({ slug }))) throw new Conflict('authoring.discardUnpublished');
  if (!(await closeDraft(slug, draft.revision, draft.baseVersion, actor.id))) throw new DraftConflict();
  await deleteUnusedUploads(context, contentOf(draft), undefined);
  await recordAudit({
    actorId: actor.id,
    action: 'course.draft.discard',
    targetType: 'course',
    targetId: slug,
    before: { revision: draft.revision, contentHash: draft.contentHash ?? null },
    after: null,
  });
}
