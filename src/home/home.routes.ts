import { Router } from 'express';
import { listPublishedCourses } from '../courses/courses.service';
import { buildCatalogueView } from './home.view';

export const homeRouter = Router();

homeRouter.get('/', async (_req, res) => {
  const courses = await listPublishedCourses();
  res.render('home/index', buildCatalogueView(courses, res.locals.contentLang));
});
