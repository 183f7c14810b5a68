import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { connectDatabase } from '../../src/db/connection';
import { findFreePort } from '../../src/db/embedded-server';
import { findFerretdb } from '../../src/db/ferretdb-binary';
import { startFerretdb } from '../../src/db/resolve-database';
import { createLogger } from '../../src/logger';
import { testConfig, startTestApp } from '../support/test-app';

async function eventually(check: () => Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe('GET /healthz', () => {
  it('answers 200 with db up when the database is reachable', async () => {
    const test = await startTestApp('health_up');
    try {
      const response = await request(test.app).get('/healthz').expect(200);
      expect(response.body).toEqual({ status: 'ok', db: 'up' });
      expect(response.headers['cache-control']).toBe('no-store');
    } finally {
      await test.close();
    }
  });
});

describe('database outage and recovery', () => {
  // This test owns a database server so it can stop and restart it under the running app.
  const binary = findFerretdb(process.env.FERRETDB_BIN);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pa-outage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves 503 while the database is down and recovers without a restart', async () => {
    if (!binary) throw new Error('no ferretdb binary: run .ci/run or `npm run db:install` first');
    const port = await findFreePort();
    let server = await startFerretdb(binary, dir, port);
    const connection = await connectDatabase(server.uri, 'test_outage');
    const config = testConfig();
    const app = buildApp({ config, logger: createLogger({ level: 'silent' }) });
    try {
      await request(app).get('/healthz').expect(200);
      await request(app).get('/').expect(200);

      await server.stop();
      await eventually(async () => (await request(app).get('/healthz')).status === 503);
      const health = await request(app).get('/healthz');
      expect(health.body).toEqual({ status: 'degraded', db: 'down' });
      const page = await request(app).get('/').set('Accept', 'text/html');
      expect(page.status).toBe(503);
      expect(page.headers['retry-after']).toBe('10');
      expect(page.text).toContain('Temporarily unavailable');
      expect(page.text).not.toMatch(/Mongo|stack|at \w+ \(/);

      server = await startFerretdb(binary, dir, port);
      await eventually(async () => (await request(app).get('/healthz')).status === 200, 30000);
      await request(app).get('/').expect(200);
    } finally {
      await connection.close();
      await server.stop();
      config.cleanup();
      expect(mongoose.connection.readyState).toBe(0);
    }
  }, 90000);
});
