import { Router, type Response } from 'express';
import { HttpError } from '../http/errors';
import { createCourse, listAuthorCourses } from './author-courses.service';
import { slugOf } from './author-request';
import { cataloguesSchema, createCourseSchema, metaSchema } from './authoring.schemas';
import { authorHref, fieldErrors, formValues, noticeKey, underscore, type FieldErrors } from './authoring.view';
import { buildCoursePageView } from './course-page.view';
import type { AuthoringContext } from './draft-folder';
import { updateCatalogues, updateMeta } from './draft-edits';
import { getWorkingCopy, saveDraft, type WorkingCopy } from './draft.service';
import type { DraftMeta } from './draft-types';
import { actorOf, parseForm } from '../http/request';

function metaValues(meta: DraftMeta): Record<string, string> {
  return {
    title_en: meta.title.en,
    title_zh: meta.title.zh,
    summary_en: meta.summary.en,
    summary_zh: meta.summary.zh,
    audience_en: meta.audience.en,
    audience_zh: meta.audience.zh,
    level: meta.level,
    minutes: String(meta.minutes),
    outcomes_en: meta.outcomes.map((o) => o.en).join('\n'),
    outcomes_zh: meta.outcomes.map((o) => o.zh).join('\n'),
    passMark: String(meta.passMark),
    maxQuizAttempts: String(meta.maxQuizAttempts),
    completion: meta.completion,
    certificate_en: meta.certificate.en,
    certificate_zh: meta.certificate.zh,
  };
}

function catalogueValues(meta: DraftMeta): Record<string, string> {
  return {
    references: meta.references.map((ref) => [ref.id, ref.title, ref.url].filter((part) => part !== undefined).join(' | ')).join('\n'),
    glossary: meta.glossary
      .map((entry) => [entry.id, entry.term.en, entry.term.zh, entry.definition.en, entry.definition.zh].join(' | '))
      .join('\n'),
  };
}

const settingsField = (field: string) =>
  field === 'outcomes'
    ? 'outcomes_en'
    : field === 'references' || field === 'glossary' || field === 'general'
      ? undefined
      : underscore(field);
const catalogueField = (field: string) => (field === 'references' || field === 'glossary' ? field : undefined);

/** The author's course list, new course, the course page, course details, references and glossary. */
export function authorCourseRoutes(context: AuthoringContext): Router {
  const router = Router();

  const renderNew = (res: Response, values: Record<string, string | string[]>, errors: FieldErrors, status = 200) =>
    res.status(status).render('author/new', {
      title: res.locals.t('authoring.new.title'),
      values: formValues({ slug: '', title_en: '', title_zh: '' }, values),
      errors,
      action: '/author/courses',
    });

  const renderSettings = (
    res: Response,
    copy: WorkingCopy,
    page: 'settings' | 'catalogues',
    typed?: Record<string, string | string[]>,
    formErrors: Record<string, string> = {},
    status = 200,
  ) => {
    const t = res.locals.t;
    const stored = page === 'settings' ? metaValues(copy.content.meta) : catalogueValues(copy.content.meta);
    res.status(status).render(`author/${page}`, {
      title: t(`authoring.${page}.title`),
      slug: copy.slug,
      courseHref: authorHref(copy.slug),
      courseTitle: copy.content.meta.title[res.locals.contentLang] || copy.slug,
      action: authorHref(copy.slug, `/${page}`),
      values: formValues(stored, typed),
      notice: noticeKey(res.req.query.notice),
      errors: fieldErrors(copy.problems, 'course', page === 'settings' ? settingsField : catalogueField, t, formErrors),
    });
  };

  router.get('/author', async (req, res) => {
    const lang = res.locals.contentLang;
    const rows = await listAuthorCourses(actorOf(req));
    const courses = rows.map((row) => ({
      ...row,
      title: row.title[lang] || row.slug,
      href: authorHref(row.slug),
      updatedAt: row.draftUpdatedAt?.toISOString().slice(0, 10),
    }));
    res.render('author/index', {
      title: res.locals.t('authoring.index.title'),
      courses,
      newHref: '/author/courses/new',
      notice: noticeKey(req.query.notice),
    });
  });

  router.get('/author/courses/new', (_req, res) => renderNew(res, {}, {}));

  router.post('/author/courses', async (req, res) => {
    const parsed = parseForm(createCourseSchema, req.body);
    if (!parsed.ok)
      return renderNew(
        res,
        parsed.values,
        fieldErrors([], '', () => undefined, res.locals.t, parsed.errors),
        422,
      );
    try {
      await createCourse(context, actorOf(req), { slug: parsed.data.slug, title: { en: parsed.data.title_en, zh: parsed.data.title_zh } });
    } catch (error) {
      if (error instanceof HttpError && error.message === 'authoring.slugTaken')
        return renderNew(res, req.body as Record<string, string>, { slug: [res.locals.t(error.message)] }, 409);
      throw error;
    }
    res.redirect(303, `${authorHref(parsed.data.slug)}?notice=created`);
  });

  router.get('/author/courses/:slug', async (req, res) => {
    const copy = await getWorkingCopy(actorOf(req), slugOf(req));
    res.render('author/course', {
      ...buildCoursePageView(copy, res.locals.t, res.locals.contentLang),
      notice: noticeKey(req.query.notice),
    });
  });

  router.get('/author/courses/:slug/settings', async (req, res) =>
    renderSettings(res, await getWorkingCopy(actorOf(req), slugOf(req)), 'settings'),
  );

  router.post('/author/courses/:slug/settings', async (req, res) => {
    const actor = actorOf(req);
    const slug = slugOf(req);
    const parsed = parseForm(metaSchema, req.body);
    if (!parsed.ok) return renderSettings(res, await getWorkingCopy(actor, slug), 'settings', parsed.values, parsed.errors, 422);
    await saveDraft(context, actor, slug, 'course.settings', (content) => updateMeta(content, parsed.data));
    res.redirect(303, authorHref(slug, '/settings?notice=saved'));
  });

  router.get('/author/courses/:slug/catalogues', async (req, res) =>
    renderSettings(res, await getWorkingCopy(actorOf(req), slugOf(req)), 'catalogues'),
  );

  router.post('/author/courses/:slug/catalogues', async (req, res) => {
    const actor = actorOf(req);
    const slug = slugOf(req);
    const parsed = parseForm(cataloguesSchema, req.body);
    if (!parsed.ok) return renderSettings(res, await getWorkingCopy(actor, slug), 'catalogues', parsed.values, parsed.errors, 422);
    await saveDraft(context, actor, slug, 'course.catalogues', (content) => updateCatalogues(content, parsed.data));
    res.redirect(303, authorHref(slug, '/catalogues?notice=saved'));
  });

  return router;
}
