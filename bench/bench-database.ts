/**
 * Which server the benchmark seeds and drives: MONGODB_URI when set; otherwise FerretDB on the local PostgreSQL
 * when one answers (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/procurement_bench), because on
 * FerretDB 1.24 every read is a table scan and PostgreSQL scans a million documents in about half a second where
 * SQLite takes about a minute; otherwise the embedded FerretDB on SQLite.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildFerretdb, findFerretdb } from '../src/db/ferretdb-binary';
import { resolveDatabase, startFerretdbOnPostgres, type ResolvedDatabase } from '../src/db/resolve-database';

/** `postgresUrl`: set when FerretDB stores in PostgreSQL (the GIN indexes go there). */
export type BenchDatabase = ResolvedDatabase & { label: string; postgresUrl?: string };

function ensurePostgresDatabase(url: URL): boolean {
  const name = url.pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`BENCH_POSTGRES_URL names an unusual database: ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const psql = (sql: string) => spawnSync('psql', [admin.toString(), '-qtAc', sql], { encoding: 'utf8' });
  const exists = psql(`select 1 from pg_database where datname = '${name}'`);
  if (exists.status !== 0) return false;
  if (exists.stdout.trim() !== '1' && psql(`create database ${name}`).status !== 0) return false;
  return true;
}

export async function openBenchDatabase(dataDir: string, log: (line: string) => void): Promise<BenchDatabase> {
  if (process.env.MONGODB_URI) {
    return { ...(await resolveDatabase({ mongodbUri: process.env.MONGODB_URI, dataDir, log })), label: 'MONGODB_URI' };
  }
  const postgres = new URL(process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/procurement_bench');
  if (process.env.BENCH_BACKEND !== 'sqlite' && ensurePostgresDatabase(postgres)) {
    const binary = findFerretdb(process.env.FERRETDB_BIN, log) ?? (await buildFerretdb(log));
    log(`Starting FerretDB (${binary}) on PostgreSQL ${postgres.host}${postgres.pathname}`);
    const server = await startFerretdbOnPostgres(binary, path.join(dataDir, 'db', 'ferretdb-postgres'), postgres.toString(), log);
    return { ...server, label: 'FerretDB 1.24.2 on PostgreSQL', postgresUrl: postgres.toString() };
  }
  log('PostgreSQL is not reachable (or BENCH_BACKEND=sqlite): using the embedded FerretDB on SQLite');
  const database = await resolveDatabase({ dataDir, ferretdbBin: process.env.FERRETDB_BIN, log });
  return { ...database, label: database.kind === 'ferretdb' ? 'FerretDB 1.24.2 on SQLite' : database.kind };
}

/** VACUUM (ANALYZE) and CHECKPOINT: what PostgreSQL would otherwise do in the background after a bulk load. */
export function settlePostgres(postgresUrl: string, log: (line: string) => void): void {
  const started = Date.now();
  const run = spawnSync('psql', [postgresUrl, '-qc', 'VACUUM (ANALYZE)', '-c', 'CHECKPOINT'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`psql failed: ${run.stderr.trim()}`);
  log(`PostgreSQL vacuumed and checkpointed after the load (${Date.now() - started} ms)`);
}
