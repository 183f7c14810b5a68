/**
 * Which server the benchmark seeds and drives: MONGODB_URI when set; otherwise the app's default, FerretDB on the
 * embedded PostgreSQL under data/bench (BENCH_POSTGRES_URL: an existing PostgreSQL instead).
 */
import { runSql } from '../src/db/ferretdb-postgres-indexes';
import { resolveDatabase, type ResolvedDatabase } from '../src/db/resolve-database';

export type BenchDatabase = ResolvedDatabase & { label: string };

export async function openBenchDatabase(dataDir: string, log: (line: string) => void): Promise<BenchDatabase> {
  const database = await resolveDatabase({
    mongodbUri: process.env.MONGODB_URI,
    postgresUrl: process.env.BENCH_POSTGRES_URL,
    dataDir,
    ferretdbBin: process.env.FERRETDB_BIN,
    log,
    whenOwned: 'refuse',
  });
  const label =
    database.kind === 'external'
      ? 'MONGODB_URI'
      : process.env.BENCH_POSTGRES_URL
        ? 'FerretDB 1.24.2 on PostgreSQL (BENCH_POSTGRES_URL)'
        : 'FerretDB 1.24.2 on the embedded PostgreSQL 16 (the default)';
  return { ...database, label };
}

/** VACUUM (ANALYZE) and CHECKPOINT: what PostgreSQL would otherwise do in the background after a bulk load. */
export async function settlePostgres(postgresUrl: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  await runSql(postgresUrl, 'VACUUM (ANALYZE)');
  await runSql(postgresUrl, 'CHECKPOINT');
  log(`PostgreSQL vacuumed and checkpointed after the load (${Date.now() - started} ms)`);
}
