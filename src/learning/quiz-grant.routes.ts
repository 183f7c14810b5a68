import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../accounts/auth.middleware';
import { NotFound } from '../http/errors';
import { slugParam } from './learning.schemas';
import { grantQuizAttempt, learnerQuizAttempts } from './quiz-grant.service';
import { actorOf, wantsJson } from '../http/request';

/** Trainers' page of one learner's quiz attempts in a course, and the "one more attempt" action. */
export const quizGrantRouter = Router();

const learnerParams = z.object({ slug: slugParam, id: z.string().regex(/^[0-9a-f]{24}$/) });
const grantParams = learnerParams.extend({ module: slugParam });
const notices = { granted: 'quiz.grant.done', already: 'quiz.grant.already', unlimited: 'quiz.grant.unlimitedNote' } as const;
const noticeQuery = z.object({ notice: z.enum(['granted', 'already', 'unlimited']).optional() });

const staffOnly = requireRole('trainer', 'admin');

function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new NotFound();
  return result.data;
}

quizGrantRouter.get('/reports/courses/:slug/learners/:id/quiz-attempts', staffOnly, async (req, res) => {
  const { slug, id } = parse(learnerParams, req.params);
  const query = noticeQuery.safeParse(req.query);
  const t = res.locals.t;
  const lang = res.locals.contentLang;
  const { course, learnerName, isLimited, rows } = await learnerQuizAttempts(actorOf(req), slug, id);
  const base = `/reports/courses/${slug}/learners/${id}`;
  res.set('Cache-Control', 'no-store');
  res.render('learning/quiz-attempts', {
    title: `${t('quiz.grant.title')} · ${learnerName}`,
    learnerName,
    courseTitle: course.title[lang],
    courseHref: `/reports/courses/${slug}`,
    learnerHref: base,
    isLimited,
    notice: query.success && query.data.notice ? t(notices[query.data.notice]) : undefined,
    rows: rows.map((row) => ({
      title: row.title[lang],
      used: row.used,
      left: row.remaining === undefined ? t('quiz.grant.unlimited') : String(row.remaining),
      action: `${base}/quiz-attempts/${row.moduleSlug}/grant`,
      label: t('quiz.grant.actionFor', { module: row.title[lang] }),
    })),
  });
});

quizGrantRouter.post('/reports/courses/:slug/learners/:id/quiz-attempts/:module/grant', staffOnly, async (req, res) => {
  const { slug, id, module } = parse(grantParams, req.params);
  const outcome = await grantQuizAttempt(actorOf(req), slug, id, module);
  if (wantsJson(req)) {
    res.json({ outcome });
    return;
  }
  res.redirect(303, `/reports/courses/${slug}/learners/${id}/quiz-attempts?notice=${outcome}`);
});
