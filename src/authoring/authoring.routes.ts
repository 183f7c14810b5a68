import { Router } from 'express';
import { requireRole } from '../accounts/auth.middleware';
import { authorAssetRoutes } from './author-assets.routes';
import { authorCourseRoutes } from './author-courses.routes';
import { authorModuleRoutes } from './author-modules.routes';
import { authorPublishRoutes } from './author-publish.routes';
import { authorQuizRoutes } from './author-quiz.routes';
import type { AuthoringContext } from './draft-folder';

/** Every /author page: trainers and admins; which courses each may touch is checked again by the services. */
export function authoringRouter(context: AuthoringContext): Router {
  const router = Router();
  router.use('/author', requireRole('trainer', 'admin'), (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(authorCourseRoutes(context));
  router.use(authorModuleRoutes(context));
  router.use(authorQuizRoutes(context));
  router.use(authorAssetRoutes(context));
  router.use(authorPublishRoutes(context));
  return router;
}
