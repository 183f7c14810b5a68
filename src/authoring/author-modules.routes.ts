import { Router, type Request, type Response } from 'express';
import type { Lang } from '../courses/course-types';
import { NotFound } from '../http/errors';
import { slugOf } from './author-request';
import { addModuleSchema, moduleSettingsSchema, moduleTextSchema, moveSchema } from './authoring.schemas';
import { authorHref, fieldErrors, formValues, moduleHref, moduleTextField, noticeKey, type FieldErrors } from './authoring.view';
import { buildCoursePageView } from './course-page.view';
import type { AuthoringContext } from './draft-folder';
import { addModule, deleteModule, findModule, moveModule, updateModuleSettings, updateModuleText } from './draft-edits';
import { getWorkingCopy, saveDraft, type WorkingCopy } from './draft.service';
import { renderDraftPreview } from './preview.service';
import { actorOf, parseForm, wantsJson } from '../http/request';

const uiLang = (res: Response) => res.locals.contentLang;

function langOf(req: Request): Lang {
  const lang = req.params.lang;
  if (lang !== 'en' && lang !== 'zh') throw new NotFound();
  return lang;
}

/** Adding, ordering and removing modules; module settings; the Markdown editor with its preview. */
export function authorModuleRoutes(context: AuthoringContext): Router {
  const router = Router();

  const renderSettings = (
    res: Response,
    copy: WorkingCopy,
    moduleSlug: string,
    typed?: Record<string, string | string[]>,
    formErrors: Record<string, string> = {},
    status = 200,
  ) => {
    const t = res.locals.t;
    const module = findModule(copy.content, moduleSlug);
    const rename = (field: string) =>
      field === 'minutes' || field === 'references' ? field : field === 'order' || field === 'general' ? 'general' : undefined;
    res.status(status).render('author/module', {
      title: module.title[uiLang(res)] || module.slug,
      slug: copy.slug,
      courseHref: authorHref(copy.slug),
      courseTitle: copy.content.meta.title[uiLang(res)] || copy.slug,
      module: {
        slug: module.slug,
        order: module.order,
        enHref: moduleHref(copy.slug, module.slug, '/text/en'),
        zhHref: moduleHref(copy.slug, module.slug, '/text/zh'),
        quizHref: moduleHref(copy.slug, module.slug, '/quiz'),
        questionCount: module.quiz?.questions.length ?? 0,
      },
      referenceIds: copy.content.meta.references.map((ref) => ref.id),
      action: moduleHref(copy.slug, module.slug),
      notice: noticeKey(res.req.query.notice),
      values: formValues({ minutes: String(module.minutes), references: module.references.join(', ') }, typed),
      errors: fieldErrors(copy.problems, `module:${module.slug}`, rename, t, formErrors),
    });
  };

  const renderText = (
    res: Response,
    copy: WorkingCopy,
    moduleSlug: string,
    lang: Lang,
    options: { typed?: Record<string, string | string[]>; formErrors?: Record<string, string>; previewHtml?: string; status?: number } = {},
  ) => {
    const t = res.locals.t;
    const module = findModule(copy.content, moduleSlug);
    const base = moduleHref(copy.slug, module.slug, `/text/${lang}`);
    res.status(options.status ?? 200).render('author/module-text', {
      title: t('authoring.text.title', { module: module.title[lang] || module.slug, language: t(`authoring.lang.${lang}`) }),
      slug: copy.slug,
      lang,
      contentLangAttr: lang === 'zh' ? 'zh-Hans' : 'en',
      languageName: t(`authoring.lang.${lang}`),
      courseHref: authorHref(copy.slug),
      courseTitle: copy.content.meta.title[uiLang(res)] || copy.slug,
      moduleHref: moduleHref(copy.slug, module.slug),
      otherHref: moduleHref(copy.slug, module.slug, `/text/${lang === 'en' ? 'zh' : 'en'}`),
      otherLanguageName: t(`authoring.lang.${lang === 'en' ? 'zh' : 'en'}`),
      action: base,
      previewAction: `${base}/preview`,
      notice: noticeKey(res.req.query.notice),
      previewHtml: options.previewHtml,
      values: formValues(
        { title: module.title[lang], objectives: module.objectives[lang].join('\n'), markdown: module.markdown[lang] },
        options.typed,
      ),
      errors: fieldErrors(copy.problems, `module:${module.slug}`, moduleTextField(lang), t, options.formErrors),
      assets: copy.content.assets.map((asset) => ({ name: asset.name, isImage: asset.contentType.startsWith('image/') })),
    });
  };

  router.post('/author/courses/:slug/modules', async (req, res) => {
    const actor = actorOf(req);
    const slug = slugOf(req);
    const parsed = parseForm(addModuleSchema, req.body);
    const copy = await getWorkingCopy(actor, slug);
    const taken = parsed.ok && copy.content.modules.some((module) => module.slug === parsed.data.slug);
    if (!parsed.ok || taken) {
      const errors: FieldErrors = parsed.ok
        ? { slug: [res.locals.t('authoring.module.slugTaken')] }
        : fieldErrors([], '', () => undefined, res.locals.t, parsed.errors);
      const values = formValues({}, parsed.ok ? (req.body as Record<string, string>) : parsed.values);
      return res
        .status(422)
        .render('author/course', { ...buildCoursePageView(copy, res.locals.t, uiLang(res), { values, errors }), notice: undefined });
    }
    const input = parsed.data;
    await saveDraft(context, actor, slug, `module.add:${input.slug}`, (content) =>
      addModule(content, { slug: input.slug, title: { en: input.title_en, zh: input.title_zh } }),
    );
    res.redirect(303, moduleHref(slug, input.slug, '/text/en?notice=created'));
  });

  router.get('/author/courses/:slug/modules/:module', async (req, res) =>
    renderSettings(res, await getWorkingCopy(actorOf(req), slugOf(req)), slugOf(req, 'module')),
  );

  router.post('/author/courses/:slug/modules/:module', async (req, res) => {
    const [actor, slug, moduleSlug] = [actorOf(req), slugOf(req), slugOf(req, 'module')];
    const parsed = parseForm(moduleSettingsSchema, req.body);
    if (!parsed.ok) return renderSettings(res, await getWorkingCopy(actor, slug), moduleSlug, parsed.values, parsed.errors, 422);
    await saveDraft(context, actor, slug, `module.settings:${moduleSlug}`, (content) =>
      updateModuleSettings(content, moduleSlug, parsed.data),
    );
    res.redirect(303, moduleHref(slug, moduleSlug, '?notice=saved'));
  });

  router.post('/author/courses/:slug/modules/:module/move', async (req, res) => {
    const [actor, slug, moduleSlug] = [actorOf(req), slugOf(req), slugOf(req, 'module')];
    const parsed = parseForm(moveSchema, req.body);
    if (!parsed.ok) throw new NotFound();
    await saveDraft(context, actor, slug, `module.move:${moduleSlug}:${parsed.data.direction}`, (content) =>
      moveModule(content, moduleSlug, parsed.data.direction),
    );
    res.redirect(303, `${authorHref(slug)}?notice=saved#modules`);
  });

  router.post('/author/courses/:slug/modules/:module/delete', async (req, res) => {
    const [actor, slug, moduleSlug] = [actorOf(req), slugOf(req), slugOf(req, 'module')];
    await saveDraft(context, actor, slug, `module.delete:${moduleSlug}`, (content) => deleteModule(content, moduleSlug));
    res.redirect(303, `${authorHref(slug)}?notice=deleted#modules`);
  });

  router.get('/author/courses/:slug/modules/:module/text/:lang', async (req, res) =>
    renderText(res, await getWorkingCopy(actorOf(req), slugOf(req)), slugOf(req, 'module'), langOf(req)),
  );

  router.post('/author/courses/:slug/modules/:module/text/:lang', async (req, res) => {
    const [actor, slug, moduleSlug, lang] = [actorOf(req), slugOf(req), slugOf(req, 'module'), langOf(req)];
    const parsed = parseForm(moduleTextSchema, req.body);
    if (!parsed.ok)
      return renderText(res, await getWorkingCopy(actor, slug), moduleSlug, lang, {
        typed: parsed.values,
        formErrors: parsed.errors,
        status: 422,
      });
    await saveDraft(context, actor, slug, `module.text:${moduleSlug}:${lang}`, (content) =>
      updateModuleText(content, moduleSlug, lang, parsed.data),
    );
    res.redirect(303, moduleHref(slug, moduleSlug, `/text/${lang}?notice=saved`));
  });

  // Preview never saves: the same form posts here (formaction), and the page comes back with the text as typed.
  router.post('/author/courses/:slug/modules/:module/text/:lang/preview', async (req, res) => {
    const [actor, slug, moduleSlug, lang] = [actorOf(req), slugOf(req), slugOf(req, 'module'), langOf(req)];
    const copy = await getWorkingCopy(actor, slug);
    const module = findModule(copy.content, moduleSlug);
    const parsed = parseForm(moduleTextSchema, req.body);
    const previewHtml = parsed.ok ? renderDraftPreview(slug, copy.content, module, lang, parsed.data.markdown) : undefined;
    if (wantsJson(req)) {
      res.status(parsed.ok ? 200 : 422).json(parsed.ok ? { html: previewHtml } : { errors: parsed.errors });
      return;
    }
    renderText(res, copy, moduleSlug, lang, {
      typed: parsed.ok ? (req.body as Record<string, string>) : parsed.values,
      formErrors: parsed.ok ? {} : parsed.errors,
      previewHtml,
      status: parsed.ok ? 200 : 422,
    });
  });

  return router;
}
