import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { buildApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { connectDatabase } from '../../src/db/connection';
import { createLogger } from '../../src/logger';

export function testDatabaseUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests with `npm test` (Jest global setup provides it)');
  return uri;
}

/** A database name unique to one test file; the helpers refuse any other kind of name. */
export function testDatabaseName(label: string): string {
  return `test_${label.replace(/[^a-z0-9]/gi, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
}

const TEST_DATABASE = /^test_/;

/**
 * The database a connection to `uri` (with `dbName` overriding the URI's path, as Mongoose passes it) will use, as the
 * driver itself resolves it: a MongoClient is only constructed (it parses the options), never connected.
 */
export function databaseNameFor(uri: string, dbName?: string): string {
  // connectDatabase passes a non-empty dbName to the driver, which then prefers it to the URI's path.
  return dbName || new mongoose.mongo.MongoClient(uri).db().databaseName;
}

/** Throws unless `name` looks like a test database: tests drop their database when done. */
export function refuseNonTestDatabase(name: string): void {
  if (!TEST_DATABASE.test(name)) throw new Error(`refusing to use non-test database "${name}" (test databases are named test_…)`);
}

/**
 * Connects the app's default connection to a test database. The name is checked twice: before connecting (as the
 * driver will resolve it from the URI and `dbName`, so a refused database is never touched, not even by the index
 * creation `connectDatabase` does) and after, on the name the live connection actually uses.
 */
export async function connectTestDatabase(
  uri: string,
  dbName: string | undefined,
  options: Parameters<typeof connectDatabase>[2] = {},
): Promise<Awaited<ReturnType<typeof connectDatabase>>> {
  refuseNonTestDatabase(databaseNameFor(uri, dbName));
  const connection = await connectDatabase(uri, dbName, options);
  const used = mongoose.connection.db?.databaseName ?? '';
  if (!TEST_DATABASE.test(used)) {
    await connection.close();
    refuseNonTestDatabase(used);
  }
  return connection;
}

export function testConfig(overrides: Record<string, string> = {}): Config & { cleanup(): void } {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pa-test-data-'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PORT: '0', ...overrides });
  return Object.assign(Object.create(null), config, { cleanup: () => rmSync(dataDir, { recursive: true, force: true }) });
}

/** The real app connected to a fresh database of its own; `close()` drops that database. */
export async function startTestApp(label: string, overrides: Record<string, string> = {}) {
  const dbName = testDatabaseName(label);
  // Commands are always counted in tests (cheap), so any test can assert round trips (db-round-trips.test.ts).
  const connection = await connectTestDatabase(testDatabaseUri(), dbName, {
    postgresUrl: process.env.TEST_POSTGRES_URL,
    countCommands: true,
  });
  const config = testConfig(overrides);
  // TEST_LOG_LEVEL=error shows the app's logs when a test needs explaining.
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const app = buildApp({ config, logger });
  return {
    app,
    config,
    logger,
    dbName,
    async close() {
      if (mongoose.connection.readyState === 1 && mongoose.connection.name === dbName) {
        await mongoose.connection.dropDatabase();
      }
      await connection.close();
      config.cleanup();
    },
  };
}
