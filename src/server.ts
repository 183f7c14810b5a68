import { ConfigError, loadConfig, loadDotEnvFile } from './config';
import { DatabaseUnavailableError } from './db/resolve-database';
import { createLogger } from './logger';
import { startServer } from './lifecycle';

async function main(): Promise<void> {
  loadDotEnvFile();
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, pretty: !config.isProduction && process.stdout.isTTY });
  const running = await startServer(config, logger);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      running.shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  // Configuration and database problems are the user's to fix: one clear message, no stack trace.
  if (error instanceof ConfigError || error instanceof DatabaseUnavailableError) {
    console.error(error.message);
  } else {
    console.error('Procurement Academy failed to start:', error);
  }
  process.exit(1);
});
