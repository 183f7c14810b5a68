import { recordAudit } from '../audit/audit.service';
import { Course } from '../courses/course.model';
import type { Bilingual } from '../courses/course-types';
import { Conflict, Forbidden } from '../http/errors';
import { assignTrainer, managedCourseSlugs, type Actor } from '../access/course-access';
import { appendDraftRevision, listOpenDrafts } from './course-draft.model';
import { blankDraft } from './draft-convert';
import { checkDraftContent } from './draft.service';
import type { AuthoringContext } from './draft-folder';

export type AuthorCourseRow = {
  slug: string;
  title: Bilingual;
  liveVersion?: number;
  hasDraft: boolean;
  draftProblems: number;
  draftUpdatedAt?: Date;
};

/** The courses an author may edit: all for admins, assigned ones for trainers; with their draft state. */
export async function listAuthorCourses(actor: Actor): Promise<AuthorCourseRow[]> {
  const slugs = await managedCourseSlugs(actor);
  const filterCourses = slugs ? { slug: { $in: slugs } } : {};
  const [courses, drafts] = await Promise.all([
    Course.find(filterCourses, { slug: 1, title: 1, currentVersion: 1, _id: 0 }).lean(),
    listOpenDrafts(slugs ?? undefined),
  ]);
  const rows = new Map<string, AuthorCourseRow>();
  for (const course of courses)
    rows.set(course.slug, {
      slug: course.slug,
      title: course.title,
      liveVersion: course.currentVersion,
      hasDraft: false,
      draftProblems: 0,
    });
  for (const draft of drafts) {
    const row = rows.get(draft.courseSlug) ?? { slug: draft.courseSlug, title: draft.meta.title, hasDraft: true, draftProblems: 0 };
    Object.assign(row, {
      title: draft.meta.title,
      hasDraft: true,
      draftProblems: draft.problems?.length ?? 0,
      draftUpdatedAt: draft.updatedAt,
    });
    rows.set(draft.courseSlug, row);
  }
  return [...rows.values()].sort((a, b) => a.slug.localeCompare(b.slug));
}

/** Creates a course as a draft; its creator is assigned to it, so a trainer can go on editing what they made. */
export async function createCourse(context: AuthoringContext, actor: Actor, input: { slug: string; title: Bilingual }): Promise<void> {
  if (actor.role !== 'trainer' && actor.role !== 'admin') throw new Forbidden('error.403.body');
  if (await Course.exists({ slug: input.slug })) throw new Conflict('authoring.slugTaken');
  const content = blankDraft(input.title);
  const checked = await checkDraftContent(context, input.slug, content);
  if (
    !(await appendDraftRevision({
      courseSlug: input.slug,
      revision: 1,
      baseVersion: 0,
      ...content,
      problems: checked.problems,
      updatedBy: actor.id,
    }))
  ) {
    throw new Conflict('authoring.slugTaken');
  }
  await assignTrainer(input.slug, actor.id, actor.id);
  await recordAudit({
    actorId: actor.id,
    action: 'course.create',
    targetType: 'course',
    targetId: input.slug,
    before: null,
    after: { title: input.title },
  });
}
