import { Router } from 'express';
import { getCatalogue } from './catalogue.service';
import { buildCatalogueView } from './home.view';

export const homeRouter = Router();

homeRouter.get('/', async (req, res) => {
  const { courses, progress } = await getCatalogue(req.user?.id);
  res.render('home/index', buildCatalogueView(courses, res.locals.contentLang, progress));
});
