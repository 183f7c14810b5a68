import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A MongoDB-protocol server owned by this process. */
export type EmbeddedServer = {
  kind: 'mongod' | 'ferretdb' | 'memory-server';
  uri: string;
  stop(): Promise<void>;
};

export type SpawnedServerOptions = {
  kind: 'mongod' | 'ferretdb';
  command: string;
  args: (port: number) => string[];
  stateDir: string;
  log: (line: string) => void;
  startTimeoutMs?: number;
  /** A fixed port (tests restart a server where clients expect it); a free one otherwise. */
  port?: number;
};

/** A free TCP port on the loopback interface. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before accepting connections`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`did not accept connections on port ${port} within ${timeoutMs} ms`);
}

/**
 * A server left running by an app that was killed with SIGKILL still holds the data folder; the pid file lets
 * the next start stop it before starting a new one on the same files.
 */
function stopStaleServer(pidFile: string, command: string, log: (line: string) => void): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(path.basename(command))) return;
    process.kill(pid, 'SIGTERM');
    log(`Stopped a database server (pid ${pid}) left over from an earlier run.`);
  } catch {
    // the process is gone already
  }
}

/** Stops a child process: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export function stopChildProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  return exited.finally(() => clearTimeout(killTimer));
}

/** Starts a database server as a child process on a free port and waits until it accepts connections. */
export async function startSpawnedServer(options: SpawnedServerOptions): Promise<EmbeddedServer & { port: number; pid: number }> {
  mkdirSync(options.stateDir, { recursive: true });
  const pidFile = path.join(options.stateDir, `${options.kind}.pid`);
  stopStaleServer(pidFile, options.command, options.log);
  const port = options.port ?? (await findFreePort());
  const stderrTail: string[] = [];
  const child = spawn(options.command, options.args(port), { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail.push(chunk.toString());
    if (stderrTail.length > 20) stderrTail.shift();
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  try {
    await Promise.race([waitForPort(port, child, options.startTimeoutMs ?? 30000), spawnError]);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${options.kind} ${(error as Error).message}\n${stderrTail.join('').trim()}`);
  }
  writeFileSync(pidFile, String(child.pid));

  return {
    kind: options.kind,
    port,
    pid: child.pid ?? -1,
    uri: `mongodb://127.0.0.1:${port}/procurement_academy`,
    async stop() {
      await stopChildProcess(child);
      rmSync(pidFile, { force: true });
    },
  };
}
