import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { startSpawnedServer, type ServerProcess } from './embedded-server';
import { startEmbeddedPostgres } from './embedded-postgres';
import { buildFerretdb, findFerretdb } from './ferretdb-binary';
import { claimDataFolder, DataFolderBusyError, waitForOwnerUri, type Ownership } from './data-folder-owner';
import { hasLegacySqliteData, migrateSqliteData } from './sqlite-migration';

export type ResolvedDatabase = {
  /** external: MONGODB_URI; embedded: servers this process started and owns; shared: the servers of the app that owns DATA_DIR. */
  kind: 'external' | 'embedded' | 'shared';
  /** What stores the data, as far as this process knows. */
  backend: 'postgresql' | 'unknown';
  uri: string;
  /** The PostgreSQL database FerretDB stores in, when this process knows it (for the GIN indexes). Holds a password: never log it. */
  postgresUrl?: string;
  stop(): Promise<void>;
};

export type ResolveOptions = {
  mongodbUri?: string;
  /** An existing PostgreSQL for FerretDB (only FerretDB is started); with MONGODB_URI, the one behind that FerretDB. */
  postgresUrl?: string;
  dataDir: string;
  ferretdbBin?: string;
  log: (line: string) => void;
  /** Build FerretDB with Go when no binary is found (on by default). */
  allowBuild?: boolean;
  /**
   * When another live process owns DATA_DIR: 'share' uses its servers (command-line tools), 'refuse' throws
   * DataFolderBusyError (a second app on the same folder).
   */
  whenOwned: 'share' | 'refuse';
};

/** The resolver's options that come from the configuration. */
export function databaseOptions(config: { mongodbUri?: string; postgresUrl?: string; dataDir: string; ferretdbBin?: string }) {
  return { mongodbUri: config.mongodbUri, postgresUrl: config.postgresUrl, dataDir: config.dataDir, ferretdbBin: config.ferretdbBin };
}

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

const ferretdbArgs = (stateDir: string, port: number) => [
  `--listen-addr=127.0.0.1:${port}`,
  '--debug-addr=-',
  `--state-dir=${stateDir}`,
  '--telemetry=disable',
  '--log-level=error',
];

const withUri = (server: ServerProcess) => ({ ...server, uri: `mongodb://127.0.0.1:${server.port}/procurement_academy` });

/** FerretDB on SQLite, with one SQLite file per database under `dir/sqlite` (tests of outages; the migration test). */
export async function startFerretdb(binary: string, dir: string, port?: number) {
  const sqliteDir = path.join(dir, 'sqlite');
  mkdirSync(sqliteDir, { recursive: true });
  return withUri(
    await startSpawnedServer({
      kind: 'ferretdb',
      command: binary,
      port,
      args: (p) => ['--handler=sqlite', `--sqlite-url=file:${sqliteDir}/`, ...ferretdbArgs(dir, p)],
    }),
  );
}

/** FerretDB on PostgreSQL. The URL travels in the environment, so its password never shows in a process list. */
export async function startFerretdbOnPostgres(binary: string, stateDir: string, postgresUrl: string, port?: number) {
  mkdirSync(stateDir, { recursive: true });
  const server = await startSpawnedServer({
    kind: 'ferretdb',
    command: binary,
    port,
    env: { ...process.env, FERRETDB_POSTGRESQL_URL: postgresUrl },
    args: (p) => ['--handler=postgresql', ...ferretdbArgs(stateDir, p)],
  });
  return withUri(server);
}

async function ferretdbBinary(options: ResolveOptions): Promise<string> {
  const found = findFerretdb(options.ferretdbBin, options.log);
  if (found) return found;
  if (options.ferretdbBin) throw new DatabaseUnavailableError(`FERRETDB_BIN=${options.ferretdbBin} does not exist or does not run`);
  if (options.allowBuild === false) throw new DatabaseUnavailableError('FerretDB is not installed: run `npm run db:install`');
  try {
    return await buildFerretdb(options.log);
  } catch (error) {
    throw new DatabaseUnavailableError(
      [
        'No database is available: FerretDB could not be built.',
        `  ${(error as Error).message.split('\n').slice(0, 6).join(' | ')}`,
        'Do one of these:',
        '  - install Go 1.22+ (FerretDB is then built automatically), or put a `ferretdb` 1.24 binary on PATH or in FERRETDB_BIN',
        '  - set MONGODB_URI to a MongoDB (or FerretDB) server, e.g. MONGODB_URI=mongodb://127.0.0.1:27017/academy',
      ].join('\n'),
    );
  }
}

/** Starts PostgreSQL (unless one is given) and FerretDB on it, as the owner of the data folder. */
async function startOwnedServers(options: ResolveOptions, dbRoot: string, ownership: Ownership): Promise<ResolvedDatabase> {
  const started: ServerProcess[] = [];
  const stopAll = async () => {
    for (const server of started.reverse()) await server.stop();
    ownership.release();
  };
  try {
    const binary = await ferretdbBinary(options);
    let postgresUrl = options.postgresUrl;
    if (!postgresUrl) {
      const postgres = await startEmbeddedPostgres(dbRoot, options.log);
      started.push(postgres);
      postgresUrl = postgres.url;
      options.log(`Embedded PostgreSQL (pid ${postgres.pid}) has its data in ${postgres.clusterDir}`);
    }
    const ferretdb = await startFerretdbOnPostgres(binary, path.join(dbRoot, 'ferretdb'), postgresUrl);
    started.push(ferretdb);
    const uri = ferretdb.uri;
    ownership.publish({ uri, servers: started.map(({ kind, pid, startTime }) => ({ kind, pid, startTime })) });
    if (hasLegacySqliteData(dbRoot)) await migrateSqliteData({ dbRoot, ferretdbBinary: binary, targetUri: uri, log: options.log });
    return { kind: 'embedded', backend: 'postgresql', uri, postgresUrl, stop: stopAll };
  } catch (error) {
    await stopAll().catch(() => undefined);
    if (error instanceof DatabaseUnavailableError) throw error;
    throw new DatabaseUnavailableError(`The embedded database did not start: ${(error as Error).message}`);
  }
}

/**
 * The one place that decides which database the app, the tools and the tests talk to: MONGODB_URI when set;
 * otherwise FerretDB on PostgreSQL (the embedded one under DATA_DIR/db, or POSTGRES_URL), owned by this process, or
 * shared with the live process that owns DATA_DIR.
 */
export async function resolveDatabase(options: ResolveOptions): Promise<ResolvedDatabase> {
  if (options.mongodbUri) {
    return {
      kind: 'external',
      backend: options.postgresUrl ? 'postgresql' : 'unknown',
      uri: options.mongodbUri,
      postgresUrl: options.postgresUrl,
      stop: async () => undefined,
    };
  }
  const dbRoot = path.join(options.dataDir, 'db');
  mkdirSync(dbRoot, { recursive: true });
  const claim = await claimDataFolder(dbRoot, options.log);
  if ('ownership' in claim) return startOwnedServers(options, dbRoot, claim.ownership);

  if (options.whenOwned === 'refuse') throw new DataFolderBusyError(claim.owner, options.dataDir);
  options.log(`Using the database of the running app (pid ${claim.owner.pid}) that owns ${options.dataDir}`);
  // The owner may still be starting (a first start builds FerretDB): wait for it to publish its address.
  const uri = claim.owner.uri ?? (await waitForOwnerUri(dbRoot, 10 * 60 * 1000));
  if (!uri)
    throw new DatabaseUnavailableError(
      `The app (pid ${claim.owner.pid}) that owns ${options.dataDir} did not publish its database address; try again once it is up`,
    );
  return { kind: 'shared', backend: 'postgresql', uri, stop: async () => undefined };
}
