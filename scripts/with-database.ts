import { loadConfig, loadDotEnvFile, type Config } from '../src/config';
import { connectDatabase } from '../src/db/connection';
import { databaseOptions, resolveDatabase } from '../src/db/resolve-database';

/**
 * Opens the configured database for a command-line tool: MONGODB_URI, or the embedded one. While the app runs on the
 * same DATA_DIR, the tool uses the app's servers (never starting or stopping a second set); otherwise it starts them
 * and stops them when done. `close()` does whichever applies.
 */
export async function openToolDatabase(config: Config, log: (line: string) => void = (line) => console.error(line)) {
  const database = await resolveDatabase({ ...databaseOptions(config), log, whenOwned: 'share' });
  try {
    const connection = await connectDatabase(database.uri, undefined, { postgresUrl: database.postgresUrl, log });
    return {
      database,
      async close() {
        await connection.close();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}

/** Runs a CLI task against the configured database, then stops cleanly. */
export function withDatabase(task: (config: Config) => Promise<void>): void {
  (async () => {
    loadDotEnvFile();
    const config = loadConfig();
    const opened = await openToolDatabase(config);
    try {
      await task(config);
    } finally {
      await opened.close();
    }
  })().catch((error: unknown) => {
    console.error(`Failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
