import v8 from 'node:v8';
import { Router } from 'express';
import { databaseCommandCounts, isDatabaseUp } from '../db/connection';

export const healthRouter = Router();

/** For load balancers and monitors: 200 when the app can reach its database, 503 when it cannot. */
healthRouter.get('/healthz', async (_req, res) => {
  const up = await isDatabaseUp();
  res.set('Cache-Control', 'no-store');
  res.status(up ? 200 : 503).json(up ? { status: 'ok', db: 'up' } : { status: 'degraded', db: 'down' });
});

/**
 * With COUNT_DB_COMMANDS=true (the benchmark): database commands sent and HTTP requests served so far, so that a
 * caller can divide one by the other over a stretch of load. Loopback callers only; not mounted otherwise.
 */
export function commandCountRouter(): Router {
  const router = Router();
  let requests = 0;
  router.use((req, _res, next) => {
    if (req.path !== '/internal/db-commands') requests += 1;
    next();
  });
  router.get('/internal/db-commands', (req, res) => {
    const remote = req.socket.remoteAddress ?? '';
    if (!/^(127\.|::1$|::ffff:127\.)/.test(remote)) {
      res.status(404).end();
      return;
    }
    // Where the memory is (the benchmark records it after its run): V8's heap spaces beside the process totals.
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((space) => [space.space_name, Math.round(space.space_used_size / 1048576)]),
    );
    const memory = Object.fromEntries(Object.entries(process.memoryUsage()).map(([name, bytes]) => [name, Math.round(bytes / 1048576)]));
    res.set('Cache-Control', 'no-store').json({ requests, commands: databaseCommandCounts(), memoryMb: { ...memory, heapSpaces: spaces } });
  });
  return router;
}
