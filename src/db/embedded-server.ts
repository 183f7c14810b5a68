import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** A database server process started and owned by this process. */
export type ServerProcess = {
  kind: 'ferretdb' | 'postgres';
  child: ChildProcess;
  pid: number;
  /** The kernel's start time of the process (Linux), so a recycled pid is never mistaken for it. */
  startTime: string | undefined;
  port: number;
  stop(): Promise<void>;
};

export type SpawnedServerOptions = {
  command: string;
  args: (port: number) => string[];
  env?: NodeJS.ProcessEnv;
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

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined where /proc is absent or the process is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True when `pid` is running and, where the start time is known, is the same process that was recorded. */
export function isProcessAlive(pid: number, startTime: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user (PostgreSQL runs as "postgres" when we are root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const current = processStartTime(pid);
  return startTime === undefined || current === undefined || current === startTime;
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

/** Stops a child process: `signal` (SIGTERM by default), then SIGKILL if it has not exited after `graceMs`. */
export function stopChildProcess(child: ChildProcess, graceMs = 5000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  return exited.finally(() => clearTimeout(killTimer));
}

/** Stops a process this one did not start (a server left behind by a dead owner), if it is still the recorded one. */
export async function stopOrphan(pid: number, startTime: string | undefined, signal: NodeJS.Signals, graceMs = 30000): Promise<boolean> {
  if (!isProcessAlive(pid, startTime)) return false;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isProcessAlive(pid, startTime)) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isProcessAlive(pid, startTime)) process.kill(pid, 'SIGKILL');
  return true;
}

/**
 * Starts a database server as a child process on a free port and waits until it accepts connections. It runs in a
 * process group of its own, so a terminal's Ctrl-C reaches only the app, which stops its servers in order.
 */
export async function startSpawnedServer(options: SpawnedServerOptions & { kind: ServerProcess['kind'] }): Promise<ServerProcess> {
  const port = options.port ?? (await findFreePort());
  const stderrTail: string[] = [];
  const child = spawn(options.command, options.args(port), {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    env: options.env ?? process.env,
  });
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
  return {
    kind: options.kind,
    child,
    pid: child.pid ?? -1,
    startTime: processStartTime(child.pid ?? -1),
    port,
    stop: () => stopChildProcess(child),
  };
}
