/**
 * Which server the benchmark seeds and drives: MONGODB_URI when set; otherwise FerretDB on the local PostgreSQL
 * when one answers (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/procurement_bench), because on
 * FerretDB 1.24 every read is a table scan and PostgreSQL scans a million documents in about half a second where
 * SQLite takes about a minute; otherwise the embedded FerretDB on SQLite.
 */
import path from 'node:path';
import { buildFerretdb, findFerretdb } from '../src/db/ferretdb-binary';
import { runPsql } from '../src/db/ferretdb-postgres-indexes';
import { resolveDatabase, startFerretdbOnPostgres, type ResolvedDatabase } from '../src/db/resolve-database';

/** `postgresUrl`: set when FerretDB stores in PostgreSQL (the GIN indexes go there). */
export type BenchDatabase = ResolvedDatabase & { label: string; postgresUrl?: string };

function ensurePostgresDatabase(url: URL): boolean {
  const name = url.pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`BENCH_POSTGRES_URL names an unusual database: ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  try {
    if (runPsql(admin.toString(), `select 1 from pg_database where datname = '${name}';`).trim() !== '1') runPsql(admin.toString(), `create database ${name};`);
    return true;
  } catch {
    return false; // no PostgreSQL here (or no right to create the database): the caller falls back to SQLite
  }
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
  runPsql(postgresUrl, 'VACUUM (ANALYZE);\nCHECKPOINT;\n');
  log(`PostgreSQL vacuumed and checkpointed after the load (${Date.now() - started} ms)`);
}
