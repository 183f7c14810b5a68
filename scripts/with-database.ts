import { loadConfig, loadDotEnvFile, type Config } from '../src/config';
import { connectDatabase } from '../src/db/connection';
import { resolveDatabase } from '../src/db/resolve-database';

/** Runs a CLI task against the configured database (MONGODB_URI or the embedded one), then stops cleanly. */
export function withDatabase(task: (config: Config) => Promise<void>): void {
  (async () => {
    loadDotEnvFile();
    const config = loadConfig();
    const database = await resolveDatabase({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, ferretdbBin: config.ferretdbBin, log: (line) => console.error(line) });
    const connection = await connectDatabase(database.uri);
    try {
      await task(config);
    } finally {
      await connection.close();
      await database.stop();
    }
  })().catch((error: unknown) => {
    console.error(`Failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
