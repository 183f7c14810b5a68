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

export function testConfig(overrides: Record<string, string> = {}): Config & { cleanup(): void } {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pa-test-data-'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PORT: '0', ...overrides });
  return Object.assign(Object.create(null), config, { cleanup: () => rmSync(dataDir, { recursive: true, force: true }) });
}

/** The real app connected to a fresh database of its own; `close()` drops that database. */
export async function startTestApp(label: string, overrides: Record<string, string> = {}) {
  const dbName = testDatabaseName(label);
  if (!dbName.startsWith('test_')) throw new Error(`refusing to use non-test database ${dbName}`);
  // Commands are always counted in tests (cheap), so any test can assert round trips (db-round-trips.test.ts).
  const connection = await connectDatabase(testDatabaseUri(), dbName, { postgresUrl: process.env.TEST_POSTGRES_URL, countCommands: true });
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
