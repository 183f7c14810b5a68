import { Router } from 'express';
import { isDatabaseUp } from '../db/connection';

export const healthRouter = Router();

/** For load balancers and monitors: 200 when the app can reach its database, 503 when it cannot. */
healthRouter.get('/healthz', async (_req, res) => {
  const up = await isDatabaseUp();
  res.set('Cache-Control', 'no-store');
  res.status(up ? 200 : 503).json(up ? { status: 'ok', db: 'up' } : { status: 'degraded', db: 'down' });
});
