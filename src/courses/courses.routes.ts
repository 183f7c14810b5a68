import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { NotFound } from '../http/errors';
import { parseParams } from '../http/request';
import { getLearnerCourseState, recordModuleVisit } from '../learning/learning.service';
import { getCatalogue } from '../home/catalogue.service';
import { buildCatalogueView } from '../home/home.view';
import { buildCourseView, buildModuleView } from './course.view';
import { getLiveCourse, getLiveCourseAsset } from './courses.service';

export const coursesRouter = Router();

const slug = z.string().regex(/^[a-z0-9-]{1,100}$/);
const courseParams = z.object({ slug });
const moduleParams = z.object({ slug, module: slug });
const assetName = z.string().regex(/^[A-Za-z0-9._-]{1,200}(\/[A-Za-z0-9._-]{1,200}){0,4}$/).refine((name) => !name.split('/').includes('..'));

const assetParams = z.object({ slug, name: assetName });

/** Asset types served inline; anything else downloads as a file. */
const contentTypes: Record<string, { type: string; inline: boolean }> = {
  '.png': { type: 'image/png', inline: true },
  '.jpg': { type: 'image/jpeg', inline: true },
  '.jpeg': { type: 'image/jpeg', inline: true },
  '.webp': { type: 'image/webp', inline: true },
  '.gif': { type: 'image/gif', inline: true },
  '.pdf': { type: 'application/pdf', inline: false },
  '.csv': { type: 'text/csv; charset=utf-8', inline: false },
  '.txt': { type: 'text/plain; charset=utf-8', inline: false },
  '.docx': { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', inline: false },
  '.xlsx': { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', inline: false },
};

coursesRouter.get('/courses', async (req, res) => {
  const { courses, progress } = await getCatalogue(req.user?.id);
  res.render('courses/index', buildCatalogueView(courses, res.locals.contentLang, progress));
});

coursesRouter.get('/courses/:slug', async (req, res) => {
  const course = await getLiveCourse(parseParams(courseParams, req.params).slug);
  if (!course) throw new NotFound();
  const state = await getLearnerCourseState(req.user?.id, course);
  res.render('courses/show', { ...buildCourseView(course, res.locals.contentLang, state), justCompleted: req.query.completed === '1' && state.isComplete });
});

coursesRouter.get('/courses/:slug/modules/:module', async (req, res) => {
  const params = parseParams(moduleParams, req.params);
  const course = await getLiveCourse(params.slug);
  if (!course || !course.modules.some((module) => module.slug === params.module)) throw new NotFound();
  const state = await getLearnerCourseState(req.user?.id, course);
  if (req.user && state.isEnrolled) {
    // Remembering the place must never cost the learner the page.
    await recordModuleVisit(req.user.id, course.courseSlug, params.module, state).catch((error: unknown) => req.log.warn({ err: error }, 'module visit not recorded'));
  }
  res.render('courses/modules/show', buildModuleView(course, params.module, res.locals.contentLang, state));
});

coursesRouter.get('/courses/:slug/assets/*name', async (req, res) => {
  const raw = (req.params as { name?: string[] }).name?.join('/') ?? '';
  const params = parseParams(assetParams, { slug: req.params.slug, name: raw });
  const asset = await getLiveCourseAsset(params.slug, params.name);
  if (!asset) throw new NotFound();
  const kind = contentTypes[path.extname(asset.name).toLowerCase()] ?? { type: 'application/octet-stream', inline: false };
  res.set({
    'Content-Type': kind.type,
    'Content-Disposition': `${kind.inline ? 'inline' : 'attachment'}; filename="${path.basename(asset.name).replace(/"/g, '')}"`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'public, max-age=300',
  });
  res.send(asset.data);
});
