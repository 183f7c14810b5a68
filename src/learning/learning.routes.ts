import { Router } from 'express';
import { requireUser } from '../accounts/auth.middleware';
import { BadRequest } from '../http/errors';
import { completeModule, enrol, recordModuleTime } from './learning.service';
import { attemptField, courseParams, moduleParams, newSubmissionKey, timeBody } from './learning.schemas';
import { buildQuizResultView, buildQuizView, quizResultJson } from './learning.view';
import { quizGrantRouter } from './quiz-grant.routes';
import { findQuiz, openQuiz, submitQuizAttempt } from './quiz.service';
import { pageContext, parseForm, parseParams, wantsJson } from '../http/request';

export const learningRouter = Router();
// Trainers' "one more attempt" (under /reports, where staff find a learner's progress).
learningRouter.use(quizGrantRouter);

learningRouter.post('/courses/:slug/enrol', requireUser, async (req, res) => {
  const { slug } = parseParams(courseParams, req.params);
  await enrol(req.user!.id, slug);
  res.redirect(303, `/courses/${slug}?enrolled=1`);
});

learningRouter.post('/courses/:slug/modules/:module/complete', requireUser, async (req, res) => {
  const { slug, module } = parseParams(moduleParams, req.params);
  const { isCourseComplete, nextHref } = await completeModule(req.user!.id, slug, module);
  if (wantsJson(req)) res.json({ module, completed: true, courseCompleted: isCourseComplete });
  else res.redirect(303, nextHref);
});

learningRouter.post('/courses/:slug/modules/:module/time', requireUser, async (req, res) => {
  const { slug, module } = parseParams(moduleParams, req.params);
  const form = parseForm(timeBody, req.body);
  if (!form.ok) throw new BadRequest();
  await recordModuleTime(req.user!.id, slug, module, form.data.seconds);
  res.status(204).end();
});

learningRouter.get('/courses/:slug/modules/:module/quiz', requireUser, async (req, res) => {
  const { slug, module } = parseParams(moduleParams, req.params);
  const quiz = await openQuiz(req.user!.id, slug, module);
  res.set('Cache-Control', 'no-store');
  res.render('learning/quiz', buildQuizView({ ...quiz, ...pageContext(res), submissionKey: newSubmissionKey() }));
});

learningRouter.post('/courses/:slug/modules/:module/quiz', requireUser, async (req, res) => {
  const { slug, module } = parseParams(moduleParams, req.params);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const attempt = body.attempt === undefined ? undefined : attemptField.safeParse(body.attempt);
  if (attempt && !attempt.success) throw new BadRequest();
  const context = pageContext(res);
  res.set('Cache-Control', 'no-store');
  const outcome = await submitQuizAttempt({
    learnerId: req.user!.id,
    courseSlug: slug,
    moduleSlug: module,
    attemptNumber: attempt?.data,
    body,
  });
  if (outcome.kind === 'invalid') {
    // Keep every choice the learner made and say which questions still need an answer.
    const { form, opened } = outcome;
    const view = {
      ...opened,
      ...context,
      submissionKey: form.submissionKey,
      chosen: form.answers,
      missing: form.missing,
      isMalformed: form.isMalformed,
    };
    if (wantsJson(req)) res.status(422).json({ error: { status: 422, message: context.t('quiz.errorsTitle') }, missing: form.missing });
    else res.status(422).render('learning/quiz', buildQuizView(view));
    return;
  }
  if (outcome.kind === 'closed') {
    // Out of attempts (403) or still waiting after a failed attempt (429): the quiz page says which, and until when.
    const { opened } = outcome;
    const status = opened.standing.remaining === 0 ? 403 : 429;
    const message = context.t(status === 403 ? 'quiz.noAttemptsLeft' : 'quiz.waitTitle');
    if (wantsJson(req)) {
      res.status(status).json({
        error: { status, message },
        attemptsLeft: opened.standing.remaining ?? null,
        nextAttemptAt: opened.standing.waitUntil?.toISOString() ?? null,
      });
    } else res.status(status).render('learning/quiz', buildQuizView({ ...opened, ...context, submissionKey: newSubmissionKey() }));
    return;
  }
  const { course, module: stored } = await findQuiz(slug, module);
  const review = { course, module: stored, questions: outcome.questions, attempt: outcome.attempt, standing: outcome.standing };
  if (wantsJson(req)) {
    res.json(quizResultJson({ ...review, isCourseComplete: outcome.isCourseComplete, isNew: outcome.isNew }, context.lang));
    return;
  }
  res.render(
    'learning/quiz-result',
    buildQuizResultView({ ...review, history: outcome.history, isCourseComplete: outcome.isCourseComplete, ...context }),
  );
});
