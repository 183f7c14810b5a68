import { Router, type Request, type Response } from 'express';
import { NotFound } from '../http/errors';
import { slugOf } from './author-request';
import { addQuestionSchema, OPTION_ROWS, questionSchema } from './authoring.schemas';
import { authorHref, fieldErrors, formValues, moduleHref, noticeKey, underscore, type FieldErrors } from './authoring.view';
import type { AuthoringContext } from './draft-folder';
import { addQuestion, deleteQuestion, findModule, findQuestion, questionIdsExcept, updateQuestion } from './draft-edits';
import { getWorkingCopy, saveDraft, type WorkingCopy } from './draft.service';
import type { DraftQuestion } from './draft-types';
import { actorOf, parseForm } from '../http/request';

const uiLang = (res: Response) => res.locals.contentLang;

function indexOf(req: Request): number {
  const value = String(req.params.n ?? '');
  if (!/^\d{1,3}$/.test(value)) throw new NotFound();
  return Number(value);
}

function questionValues(question: DraftQuestion): { values: Record<string, string>; correct: number[] } {
  const values: Record<string, string> = {
    id: question.id,
    type: question.type,
    prompt_en: question.prompt.en,
    prompt_zh: question.prompt.zh,
    explanation_en: question.explanation.en,
    explanation_zh: question.explanation.zh,
    reference: question.reference,
    truth: typeof question.answer === 'boolean' ? String(question.answer) : '',
  };
  const answer = Array.isArray(question.answer) ? question.answer : [];
  const correct: number[] = [];
  question.options.forEach((option, i) => {
    Object.assign(values, {
      [`opt${i}_id`]: option.id,
      [`opt${i}_en`]: option.text.en,
      [`opt${i}_zh`]: option.text.zh,
      [`opt${i}_fb_en`]: option.feedback?.en ?? '',
      [`opt${i}_fb_zh`]: option.feedback?.zh ?? '',
    });
    if (answer.includes(option.id)) correct.push(i);
  });
  return { values, correct };
}

/** A module's quiz: its questions, adding, editing (one question per page) and removing them. */
export function authorQuizRoutes(context: AuthoringContext): Router {
  const router = Router();

  const renderQuiz = (
    res: Response,
    copy: WorkingCopy,
    moduleSlug: string,
    add: { values: Record<string, string>; errors: FieldErrors } = { values: {}, errors: {} },
    status = 200,
  ) => {
    const module = findModule(copy.content, moduleSlug);
    const lang = uiLang(res);
    res.status(status).render('author/quiz', {
      title: res.locals.t('authoring.quiz.title', { module: module.title[lang] || module.slug }),
      slug: copy.slug,
      courseHref: authorHref(copy.slug),
      courseTitle: copy.content.meta.title[lang] || copy.slug,
      moduleHref: moduleHref(copy.slug, module.slug),
      addAction: moduleHref(copy.slug, module.slug, '/quiz/questions'),
      notice: noticeKey(res.req.query.notice),
      add,
      generalErrors:
        fieldErrors(copy.problems, `module:${module.slug}`, (field) => (field === 'quiz' ? 'quiz' : undefined), res.locals.t).quiz ?? [],
      questions: (module.quiz?.questions ?? []).map((question, index) => ({
        id: question.id,
        type: question.type,
        prompt: question.prompt[lang] || question.prompt.en,
        href: moduleHref(copy.slug, module.slug, `/quiz/questions/${index}`),
        deleteAction: moduleHref(copy.slug, module.slug, `/quiz/questions/${index}/delete`),
        problemCount: copy.problems.filter((problem) => problem.scope === `question:${module.slug}:${index}`).length,
      })),
    });
  };

  const renderQuestion = (
    res: Response,
    copy: WorkingCopy,
    moduleSlug: string,
    index: number,
    typed?: Record<string, string | string[]>,
    formErrors: Record<string, string> = {},
    status = 200,
  ) => {
    const module = findModule(copy.content, moduleSlug);
    const stored = questionValues(findQuestion(copy.content, moduleSlug, index));
    const typedCorrect = typed ? [typed.correct ?? []].flat().map(Number) : undefined;
    res.status(status).render('author/question', {
      title: res.locals.t('authoring.question.title', { number: index + 1 }),
      slug: copy.slug,
      courseHref: authorHref(copy.slug),
      quizHref: moduleHref(copy.slug, module.slug, '/quiz'),
      moduleTitle: module.title[uiLang(res)] || module.slug,
      action: moduleHref(copy.slug, module.slug, `/quiz/questions/${index}`),
      notice: noticeKey(res.req.query.notice),
      values: formValues(stored.values, typed),
      correct: typedCorrect ?? stored.correct,
      rows: OPTION_ROWS,
      referenceIds: copy.content.meta.references.map((ref) => ref.id),
      errors: fieldErrors(copy.problems, `question:${module.slug}:${index}`, underscore, res.locals.t, formErrors),
    });
  };

  router.get('/author/courses/:slug/modules/:module/quiz', async (req, res) =>
    renderQuiz(res, await getWorkingCopy(actorOf(req), slugOf(req)), slugOf(req, 'module')),
  );

  router.post('/author/courses/:slug/modules/:module/quiz/questions', async (req, res) => {
    const [actor, slug, moduleSlug] = [actorOf(req), slugOf(req), slugOf(req, 'module')];
    const copy = await getWorkingCopy(actor, slug);
    const parsed = parseForm(addQuestionSchema, req.body);
    const taken = parsed.ok && questionIdsExcept(copy.content, '', -1).has(parsed.data.id);
    if (!parsed.ok || taken) {
      const errors = parsed.ok
        ? { id: [res.locals.t('authoring.question.idTaken')] }
        : fieldErrors([], '', () => undefined, res.locals.t, parsed.errors);
      return renderQuiz(
        res,
        copy,
        moduleSlug,
        { values: formValues({}, parsed.ok ? (req.body as Record<string, string>) : parsed.values), errors },
        422,
      );
    }
    const outcome = await saveDraft(context, actor, slug, `question.add:${moduleSlug}:${parsed.data.id}`, (content) =>
      addQuestion(content, moduleSlug, parsed.data),
    );
    res.redirect(303, moduleHref(slug, moduleSlug, `/quiz/questions/${String(outcome.result)}?notice=created`));
  });

  router.get('/author/courses/:slug/modules/:module/quiz/questions/:n', async (req, res) =>
    renderQuestion(res, await getWorkingCopy(actorOf(req), slugOf(req)), slugOf(req, 'module'), indexOf(req)),
  );

  router.post('/author/courses/:slug/modules/:module/quiz/questions/:n', async (req, res) => {
    const [actor, slug, moduleSlug, index] = [actorOf(req), slugOf(req), slugOf(req, 'module'), indexOf(req)];
    const parsed = parseForm(questionSchema, req.body);
    if (!parsed.ok) return renderQuestion(res, await getWorkingCopy(actor, slug), moduleSlug, index, parsed.values, parsed.errors, 422);
    await saveDraft(context, actor, slug, `question.update:${moduleSlug}:${index}`, (content) =>
      updateQuestion(content, moduleSlug, index, parsed.data),
    );
    res.redirect(303, moduleHref(slug, moduleSlug, `/quiz/questions/${index}?notice=saved`));
  });

  router.post('/author/courses/:slug/modules/:module/quiz/questions/:n/delete', async (req, res) => {
    const [actor, slug, moduleSlug, index] = [actorOf(req), slugOf(req), slugOf(req, 'module'), indexOf(req)];
    await saveDraft(context, actor, slug, `question.delete:${moduleSlug}:${index}`, (content) =>
      deleteQuestion(content, moduleSlug, index),
    );
    res.redirect(303, moduleHref(slug, moduleSlug, '/quiz?notice=deleted'));
  });

  return router;
}
