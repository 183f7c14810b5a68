import { existsSync, lstatSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveDatabase } from '../../src/db/resolve-database';
import { testState, testStateFile } from './test-state';

/**
 * Gets one database server for the whole run through the app's own resolver: MONGODB_URI when set (a real MongoDB,
 * or FerretDB on PostgreSQL with POSTGRES_URL naming its PostgreSQL), otherwise the default: FerretDB on an embedded
 * PostgreSQL under data/test/run-<pid>. Each test file then uses a database of its own on it.
 */
export default async function globalSetup(): Promise<void> {
  // A folder per run: two test runs on one machine must not share (or stop) each other's database server.
  const dataDir = path.resolve('data', 'test', `run-${process.pid}`);
  mkdirSync(dataDir, { recursive: true });
  const database = await resolveDatabase({
    mongodbUri: process.env.MONGODB_URI,
    postgresUrl: process.env.POSTGRES_URL,
    dataDir,
    ferretdbBin: process.env.FERRETDB_BIN,
    log: (line) => console.log(`[test database] ${line}`),
    whenOwned: 'refuse',
  });
  testState.stop = async () => {
    await database.stop();
    // Run as root from a private folder, the cluster lives elsewhere behind a link (embedded-postgres.ts): remove both.
    const cluster = path.join(dataDir, 'db', 'postgres');
    if (existsSync(cluster) && lstatSync(cluster).isSymbolicLink()) rmSync(realpathSync(cluster), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  };
  writeFileSync(testStateFile, JSON.stringify({ uri: database.uri, kind: database.kind }));
  process.env.TEST_MONGODB_URI = database.uri;
  if (database.postgresUrl) process.env.TEST_POSTGRES_URL = database.postgresUrl;
  console.log(`[test database] ${database.kind}, ${database.backend}`);
}
