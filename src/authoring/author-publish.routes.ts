import { Router, type Response } from 'express';
import { slugOf } from './author-request';
import { authorHref, moduleHref } from './authoring.view';
import { exportCourseZip } from './course-zip.service';
import { buildCoursePageView } from './course-page.view';
import type { AuthoringContext } from './draft-folder';
import { describeChanges } from './draft-diff';
import { discardDraft, getWorkingCopy } from './draft.service';
import { publishDraft } from './publish.service';
import { actorOf } from '../http/request';

const uiLang = (res: Response) => res.locals.contentLang;

/** What changed since the published version, publishing, discarding a draft, and zip export. */
export function authorPublishRoutes(context: AuthoringContext): Router {
  const router = Router();

  router.get('/author/courses/:slug/changes', async (req, res) => {
    const copy = await getWorkingCopy(actorOf(req), slugOf(req));
    const lang = uiLang(res);
    const changes = describeChanges(copy.live, copy.content);
    res.render('author/changes', {
      title: res.locals.t('authoring.changes.title'),
      slug: copy.slug,
      courseHref: authorHref(copy.slug),
      courseTitle: copy.content.meta.title[lang] || copy.slug,
      liveVersion: copy.live?.version,
      isDraft: copy.isDraft,
      publishAction: authorHref(copy.slug, '/publish'),
      problemCount: copy.problems.length,
      changes: {
        ...changes,
        modules: changes.modules.map((module) => ({
          ...module,
          title: module.title[lang] || module.slug,
          href: moduleHref(copy.slug, module.slug),
        })),
      },
    });
  });

  router.post('/author/courses/:slug/publish', async (req, res) => {
    const slug = slugOf(req);
    const actor = actorOf(req);
    const result = await publishDraft(context, actor, slug);
    if (result.status === 'published') {
      res.redirect(303, `${authorHref(slug)}?notice=${result.isUnchanged ? 'unchanged' : 'published'}`);
      return;
    }
    const copy = await getWorkingCopy(actor, slug);
    res.status(422).render('author/course', {
      ...buildCoursePageView({ ...copy, problems: result.problems }, res.locals.t, uiLang(res)),
      notice: undefined,
      publishFailed: true,
    });
  });

  router.post('/author/courses/:slug/discard', async (req, res) => {
    const slug = slugOf(req);
    await discardDraft(context, actorOf(req), slug);
    res.redirect(303, `${authorHref(slug)}?notice=discarded`);
  });

  router.get('/author/courses/:slug/export.zip', async (req, res) => {
    const source = req.query.source === 'draft' ? 'draft' : 'live';
    const zip = await exportCourseZip(context, actorOf(req), slugOf(req), source);
    res.set({
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${zip.fileName}"`,
      'X-Content-Type-Options': 'nosniff',
    });
    res.send(zip.data);
  });

  return router;
}
