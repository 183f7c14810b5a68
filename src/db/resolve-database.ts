import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { startSpawnedServer, type EmbeddedServer } from './embedded-server';
import { buildFerretdb, findFerretdb } from './ferretdb-binary';
import { findOnPath } from './find-on-path';

export type ResolvedDatabase = {
  /** Where the data lives: an external server, or one this process started. */
  kind: 'external' | EmbeddedServer['kind'];
  uri: string;
  stop(): Promise<void>;
};

export type ResolveOptions = {
  mongodbUri?: string;
  dataDir: string;
  ferretdbBin?: string;
  log: (line: string) => void;
  /** Build FerretDB with Go when no binary is found (on by default). */
  allowBuild?: boolean;
};

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** FerretDB on SQLite, with one SQLite file per database under `dir`. */
export function startFerretdb(binary: string, dir: string, log: (line: string) => void, port?: number) {
  const sqliteDir = path.join(dir, 'sqlite');
  mkdirSync(sqliteDir, { recursive: true });
  return spawnFerretdb(binary, dir, ['--handler=sqlite', `--sqlite-url=file:${sqliteDir}/`], log, port);
}

/**
 * FerretDB on PostgreSQL (an existing database). Used for programme-scale data: FerretDB 1.24 uses no index for
 * reads on either backend, and PostgreSQL evaluates the pushed-down filter of a table scan far faster than SQLite.
 */
export function startFerretdbOnPostgres(binary: string, dir: string, postgresUrl: string, log: (line: string) => void) {
  return spawnFerretdb(binary, dir, ['--handler=postgresql', `--postgresql-url=${postgresUrl}`], log);
}

function spawnFerretdb(binary: string, dir: string, handlerArgs: string[], log: (line: string) => void, port?: number) {
  return startSpawnedServer({
    kind: 'ferretdb',
    command: binary,
    port,
    stateDir: dir,
    log,
    args: (port) => [...handlerArgs, `--listen-addr=127.0.0.1:${port}`, '--debug-addr=-', `--state-dir=${dir}`, '--telemetry=disable', '--log-level=error'],
  });
}

function startMongod(binary: string, dir: string, log: (line: string) => void) {
  const dbPath = path.join(dir, 'db');
  mkdirSync(dbPath, { recursive: true });
  return startSpawnedServer({
    kind: 'mongod',
    command: binary,
    stateDir: dir,
    log,
    args: (port) => ['--dbpath', dbPath, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'],
  });
}

async function startMemoryServer(dir: string): Promise<EmbeddedServer> {
  const dbPath = path.join(dir, 'db');
  mkdirSync(dbPath, { recursive: true });
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const server = await MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger' } });
  return { kind: 'memory-server', uri: server.getUri('procurement_academy'), stop: async () => void (await server.stop({ doCleanup: false })) };
}

/**
 * The one place that decides which database the app (and the tests) talk to:
 * MONGODB_URI when set; otherwise an embedded server owned by this process, keeping its data under DATA_DIR/db:
 * mongod on PATH, else FerretDB (found or built with Go), else mongodb-memory-server (needs the internet once).
 */
export async function resolveDatabase(options: ResolveOptions): Promise<ResolvedDatabase> {
  if (options.mongodbUri) {
    return { kind: 'external', uri: options.mongodbUri, stop: async () => undefined };
  }
  const dbRoot = path.join(options.dataDir, 'db');
  const attempts: string[] = [];

  const mongod = findOnPath('mongod');
  if (mongod) {
    options.log(`Starting embedded mongod (${mongod}) with data in ${path.join(dbRoot, 'mongod')}`);
    try {
      return await startMongod(mongod, path.join(dbRoot, 'mongod'), options.log);
    } catch (error) {
      attempts.push(`mongod on PATH failed: ${(error as Error).message}`);
    }
  }

  let ferretdb = findFerretdb(options.ferretdbBin, options.log);
  if (!ferretdb && options.allowBuild !== false && !options.ferretdbBin) {
    try {
      ferretdb = await buildFerretdb(options.log);
    } catch (error) {
      attempts.push(`building FerretDB failed: ${(error as Error).message.split('\n').slice(0, 6).join(' | ')}`);
    }
  } else if (!ferretdb) {
    attempts.push(`FERRETDB_BIN=${options.ferretdbBin} does not exist or does not run`);
  }
  if (ferretdb) {
    options.log(`Starting embedded FerretDB (${ferretdb}, SQLite) with data in ${path.join(dbRoot, 'ferretdb')}`);
    try {
      return await startFerretdb(ferretdb, path.join(dbRoot, 'ferretdb'), options.log);
    } catch (error) {
      attempts.push(`FerretDB failed to start: ${(error as Error).message}`);
    }
  }

  options.log('Trying mongodb-memory-server (downloads MongoDB when the internet is reachable)…');
  try {
    return await startMemoryServer(path.join(dbRoot, 'memory-server'));
  } catch (error) {
    attempts.push(`mongodb-memory-server failed: ${(error as Error).message.split('\n')[0]}`);
  }

  throw new DatabaseUnavailableError(
    [
      'No database is available. Do one of these:',
      '  - set MONGODB_URI to a MongoDB (or FerretDB) server, e.g. MONGODB_URI=mongodb://127.0.0.1:27017/academy',
      '  - install Go 1.22+ (FerretDB is then built automatically), or put a `ferretdb` binary on PATH or in FERRETDB_BIN',
      '  - install MongoDB so that `mongod` is on PATH',
      'What was tried:',
      ...attempts.map((line) => `  - ${line}`),
    ].join('\n'),
  );
}
