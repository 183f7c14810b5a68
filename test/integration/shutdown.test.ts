import http from 'node:http';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import mongoose from 'mongoose';
import { findFreePort } from '../../src/db/embedded-server';
import { shutdownGracefully } from '../../src/lifecycle';
import { createLogger } from '../../src/logger';
import { insertCourseHead } from '../support/course-fixtures';
import { serverDataDir, spawnServer } from '../support/server-process';
import { startTestApp } from '../support/test-app';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('graceful shutdown (in process)', () => {
  it('finishes the in-flight request, refuses new ones, closes the database, then stops the server', async () => {
    const test = await startTestApp('shutdown');
    const outer = express();
    outer.get('/slow', (_req, res) => void setTimeout(() => res.send('finished'), 700));
    outer.use(test.app);
    const server = http.createServer(outer);
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const port = (server.address() as { port: number }).port;
    let databaseStopped = false;

    const inFlight = fetch(`http://127.0.0.1:${port}/slow`).then(async (r) => ({ status: r.status, body: await r.text() }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await mongoose.connection.dropDatabase();
    const shutdown = shutdownGracefully({
      server,
      database: { kind: 'external', backend: 'unknown', uri: '', stop: async () => void (databaseStopped = true) },
      connection: Promise.resolve({ connection: mongoose.connection, close: () => mongoose.disconnect() }),
      logger: createLogger({ level: 'silent' }),
      timeoutMs: 5000,
    });
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    await expect(inFlight).resolves.toEqual({ status: 200, body: 'finished' });
    await shutdown;
    expect(mongoose.connection.readyState).toBe(0);
    expect(databaseStopped).toBe(true);
    test.config.cleanup();
  });
});

describe('npm start as a process', () => {
  const dataDir = serverDataDir('pa-process-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stops on SIGTERM with its embedded database, and a restart keeps the data', async () => {
    const port = await findFreePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), COURSES_DIR: path.join(dataDir, 'no-courses') };
    const first = spawnServer(env);
    const resolved = await first.waitForLog('database resolved');
    await first.waitForLog('Procurement Academy is listening');
    expect(resolved).toMatchObject({ kind: 'embedded', backend: 'postgresql' });
    const uri = String(resolved.uri);

    await insertCourseHead(uri, 'persisted-course', 'Persisted course');
    const home = await fetch(`http://127.0.0.1:${port}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Persisted course');

    const children = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json());
    expect(children).toEqual({ status: 'ok', db: 'up' });
    const serverPid = Number(String(first.stdout.find((l) => l.includes('"database resolved"')) ?? '').match(/"pid":(\d+)/)?.[1]);
    expect(serverPid).toBe(first.child.pid);
    const owner = JSON.parse((await import('node:fs')).readFileSync(path.join(dataDir, 'db', 'owner.json'), 'utf8')) as {
      pid: number;
      servers: { kind: string; pid: number }[];
    };
    expect(owner.pid).toBe(first.child.pid);
    expect(owner.servers.map((server) => server.kind).sort()).toEqual(['ferretdb', 'postgres']);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stdout.some((l) => l.includes('shutdown complete'))).toBe(true);
    for (const server of owner.servers) expect(isRunning(server.pid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'db', 'owner.json'))).toBe(false);

    const second = spawnServer(env);
    await second.waitForLog('Procurement Academy is listening');
    const again = await fetch(`http://127.0.0.1:${port}/`);
    expect(await again.text()).toContain('Persisted course');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 120000);

  it('refuses to start with an invalid variable, printing one line that names it', async () => {
    const bad = spawnServer({ DATA_DIR: dataDir, PORT: 'not-a-port' });
    expect(await bad.exited).toBe(1);
    const output = bad.stderr.join('').trim();
    expect(output.split('\n')).toHaveLength(1);
    expect(output).toContain('PORT');
  });
});
