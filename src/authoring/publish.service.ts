import { recordAudit } from '../audit/audit.service';
import { publishCourseVersion } from '../courses/course-publisher';
import { Conflict } from '../http/errors';
import type { Actor } from '../access/course-access';
import { appendDraftRevision, closeDraft } from './course-draft.model';
import { folderAssetReader, withCheckedFolder, type AuthoringContext } from './draft-folder';
import { deleteUnusedUploads, getWorkingCopy } from './draft.service';
import type { DraftProblem } from './draft-types';

export type PublishResult =
  | { status: 'published'; version: number; isUnchanged: boolean }
  | { status: 'invalid'; problems: DraftProblem[] };

/**
 * Publishes the draft as the next version: the same validator as `courses:check` runs on it, then the same
 * publisher as the importer stores it. Learners keep their progress on every module whose slug is unchanged.
 * The draft is then removed (unless someone saved it meanwhile: that newer draft stays to be published).
 */
export async function publishDraft(context: AuthoringContext, actor: Actor, slug: string): Promise<PublishResult> {
  const copy = await getWorkingCopy(actor, slug);
  if (!copy.isDraft) throw new Conflict('authoring.nothingToPublish');
  const outcome = await withCheckedFolder(context, slug, copy.content, async ({ dir, result, problems }) => {
    if (!result.course) return { status: 'invalid' as const, problems };
    const published = await publishCourseVersion(result.course, 'authoring', folderAssetReader(dir));
    return {
      status: 'published' as const,
      version: published.version,
      isUnchanged: published.status === 'unchanged',
      contentHash: result.course.contentHash,
    };
  });
  if (outcome.status === 'invalid') {
    // Kept as a revision of its own; a save that landed meanwhile has newer problems, so losing this race is fine.
    await appendDraftRevision({
      courseSlug: slug,
      revision: copy.revision + 1,
      baseVersion: copy.baseVersion,
      ...copy.content,
      problems: outcome.problems,
      updatedBy: actor.id,
    });
    return outcome;
  }
  // Published bytes now live in courseAssets; the upload copies are no longer needed (unless a newer save uses them).
  if (await closeDraft(slug, copy.revision, copy.baseVersion, actor.id)) await deleteUnusedUploads(context, copy.content, undefined);
  await recordAudit({
    actorId: actor.id,
    action: 'course.publish',
    targetType: 'course',
    targetId: slug,
    before: copy.live ? { version: copy.live.version, contentHash: copy.live.contentHash } : null,
    after: { version: outcome.version, contentHash: outcome.contentHash, draftRevision: copy.revision },
  });
  return { status: 'published', version: outcome.version, isUnchanged: outcome.isUnchanged };
}
