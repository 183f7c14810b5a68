import { Router, type Request } from 'express';
import { requireUser } from '../accounts/auth.middleware';
import { BadRequest, NotFound } from '../http/errors';
import type { Translate } from '../i18n/i18n';
import { completeModule, enrol, recordModuleTime, requireLiveCourse } from './learning.service';
import { courseParams, moduleParams, newSubmissionKey, parseQuizForm, timeBody } from './learning.schemas';
import { buildQuizResultView, buildQuizView } from './learning.view';
import { findQuiz, getQuizHistory, openQuiz, submitQuizAttempt } from './quiz.service';

export const learningRouter = Router();

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new NotFound();
  return result.data;
}

learningRouter.post('/courses/:slug/enrol', requireUser, async (req, res) => {
  const { slug } = parse(courseParams, req.params);
  await enrol(req.user!.id, slug);
  res.redirect(303, `/courses/${slug}?enrolled=1`);
});

learningRouter.post('/courses/:slug/modules/:module/complete', requireUser, async (req, res) => {
  const { slug, module } = parse(moduleParams, req.params);
  const { isCourseComplete } = await completeModule(req.user!.id, slug, module);
  if (wantsJson(req)) {
    res.json({ module, completed: true, courseCompleted: isCourseComplete });
    return;
  }
  const course = await requireLiveCourse(slug);
  const index = course.modules.findIndex((candidate) => candidate.slug === module);
  const current = course.modules[index];
  const next = course.modules[index + 1];
  if (isCourseComplete) res.redirect(303, `/courses/${slug}?completed=1`);
  else if (current?.quiz?.questions.length && course.completion === 'modules-and-quizzes')
    res.redirect(303, `/courses/${slug}/modules/${module}/quiz`);
  else res.redirect(303, next ? `/courses/${slug}/modules/${next.slug}` : `/courses/${slug}`);
});

learningRouter.post('/courses/:slug/modules/:module/time', requireUser, async (req, res) => {
  const { slug, module } = parse(moduleParams, req.params);
  const body = timeBody.safeParse(req.body);
  if (!body.success) throw new BadRequest();
  await recordModuleTime(req.user!.id, slug, module, body.data.seconds);
  res.status(204).end();
});

learningRouter.get('/courses/:slug/modules/:module/quiz', requireUser, async (req, res) => {
  const { slug, module } = parse(moduleParams, req.params);
  const quiz = await openQuiz(req.user!.id, slug, module);
  res.set('Cache-Control', 'no-store');
  res.render(
    'learning/quiz',
    buildQuizView({ ...quiz, lang: res.locals.contentLang, t: res.locals.t as Translate, submissionKey: newSubmissionKey() }),
  );
});

learningRouter.post('/courses/:slug/modules/:module/quiz', requireUser, async (req, res) => {
  const { slug, module } = parse(moduleParams, req.params);
  const learnerId = req.user!.id;
  // Grading needs only the questions (from memory); the enrolment check is part of submitting, and the history
  // is read only for what is rendered: a JSON answer costs no more database reads than storing the attempt.
  const quiz = await findQuiz(slug, module);
  const lang = res.locals.contentLang;
  const t = res.locals.t as Translate;
  const form = parseQuizForm(quiz.questions, req.body);
  res.set('Cache-Control', 'no-store');
  if (!form.ok) {
    // Keep every choice the learner made and say which questions still need an answer.
    const opened = await openQuiz(learnerId, slug, module);
    res.status(422).render(
      'learning/quiz',
      buildQuizView({
        ...opened,
        lang,
        t,
        submissionKey: form.submissionKey,
        chosen: form.answers,
        missing: form.missing,
        isMalformed: form.isMalformed,
      }),
    );
    return;
  }
  const result = await submitQuizAttempt({
    learnerId,
    courseSlug: slug,
    moduleSlug: module,
    submissionKey: form.submissionKey,
    answers: form.answers,
  });
  if (wantsJson(req)) {
    res.json({
      score: result.attempt.score,
      passed: result.attempt.isPassed,
      attemptNumber: result.attempt.attemptNumber,
      courseCompleted: result.isCourseComplete,
    });
    return;
  }
  const history = await getQuizHistory(learnerId, slug, module, quiz.course.maxQuizAttempts);
  res.render(
    'learning/quiz-result',
    buildQuizResultView({ ...quiz, history, attempt: result.attempt, isCourseComplete: result.isCourseComplete, lang, t }),
  );
});
