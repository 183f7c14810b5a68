import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type ServerProcess = {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first JSON log line whose msg matches, or rejects when the process exits first. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
};

/** Runs `src/server.ts` as a real process (through tsx), with the given environment. */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/server.ts')], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      BASE_URL: 'http://localhost:3000',
      SMTP_URL: 'smtp://127.0.0.1:9',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      stdout.push(line);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        for (const waiter of waiters.filter((w) => parsed.msg === w.msg)) waiter.resolve(parsed);
      } catch {
        // not a JSON log line
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout,
    stderr,
    exited,
    waitForLog(msg, timeoutMs = 60000) {
      const seen = stdout
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return undefined;
          }
        })
        .find((l) => l?.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${msg}" log within ${timeoutMs} ms; stderr: ${stderr.join('')}`)), timeoutMs);
        waiters.push({ msg, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then((code) => reject(new Error(`server exited (${code}) before "${msg}"; stderr: ${stderr.join('')}`)));
      });
    },
  };
}

/**
 * A data folder for a server process. mkdtemp makes it private (0700); as root the embedded PostgreSQL runs as the
 * `postgres` user, which could then not enter it and would keep its cluster under /var/lib instead (left behind when
 * the test deletes the folder). Traverse-only for others keeps the cluster inside.
 */
export function serverDataDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o711);
  return dir;
}
