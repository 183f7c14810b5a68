import http from 'node:http';
import type { Express } from 'express';
import { connectWithRetry, type DatabaseConnection } from './db/connection';
import { databaseOptions, resolveDatabase, type ResolvedDatabase } from './db/resolve-database';
import type { Config } from './config';
import type { Logger } from './logger';
import { buildApp } from './app';
import { importCourses } from './courses/course-importer';
import { runDataMigrations } from './data-migrations';
import { checkCourseChanges } from './courses/course-changes';
import { startSharedSync, syncRateLimits } from './http/rate-limit-sync';
import { createMailSystem } from './mail/mail.setup';

export type RunningServer = {
  app: Express;
  server: http.Server;
  database: ResolvedDatabase;
  url: string;
  shutdown(reason: string): Promise<void>;
};

/**
 * Stops in the order that loses nothing: stop accepting connections, let in-flight requests finish (up to the
 * timeout), then close the database connection, then stop the embedded database server.
 */
export async function shutdownGracefully(parts: {
  server: http.Server;
  connection?: Promise<DatabaseConnection>;
  database: ResolvedDatabase;
  logger: Logger;
  timeoutMs: number;
  /** Background work that uses the database (the start-up course import) and should end before it closes. */
  pending?: Promise<unknown>;
  /** Stops database work that requests may have started (the mail worker), after the last request and before closing. */
  beforeDatabaseClose?: () => Promise<void>;
}): Promise<void> {
  const { server, logger } = parts;
  await new Promise<void>((resolve) => {
    const forceTimer = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing their connections');
      server.closeAllConnections();
    }, parts.timeoutMs);
    forceTimer.unref();
    server.close(() => {
      clearTimeout(forceTimer);
      resolve();
    });
    // Idle keep-alive sockets would hold close() open; busy ones are closed by Node once their response ends.
    server.closeIdleConnections();
  });
  if (parts.pending) await Promise.race([parts.pending, new Promise((r) => setTimeout(r, parts.timeoutMs))]);
  await parts.beforeDatabaseClose?.();
  const connection = await Promise.race([parts.connection, new Promise<undefined>((r) => setTimeout(r, 100, undefined))]);
  await connection?.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the database connection failed'));
  await parts.database.stop();
}

async function importCoursesAtStartup(coursesDir: string, logger: Logger): Promise<void> {
  try {
    for (const outcome of await importCourses(coursesDir)) {
      if (outcome.status === 'invalid') {
        logger.error(
          { course: outcome.slug, problems: outcome.problems.map((p) => `${p.file}:${p.line}: ${p.message}`) },
          'course not imported: fix its files',
        );
      } else {
        logger.info({ course: outcome.slug, status: outcome.status, version: outcome.version }, 'course import');
      }
    }
  } catch (error) {
    logger.error({ err: error }, 'course import failed; the previous versions stay live');
  }
}

/** Resolves the database, connects, and listens. Used by `npm start` and by tests that need a real process. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const log = (line: string) => logger.info(line);
  const database = await resolveDatabase({ ...databaseOptions(config), log, whenOwned: 'refuse' });
  // An embedded server's address is local and credential-free; an external URI may hold a password.
  logger.info(
    { kind: database.kind, backend: database.backend, ...(database.kind === 'external' ? {} : { uri: database.uri }) },
    'database resolved',
  );
  if (config.isProduction && database.kind === 'embedded') {
    logger.info(
      { dataDir: config.dataDir },
      `embedded database in production: data in ${config.dataDir}/db, backups (\`npm run backup\`) in ${config.dataDir}/backups; keep ${config.dataDir}/keys with them`,
    );
  }
  // Connect in the background: the app answers 503 until the database is reachable, then serves normally.
  const connection = connectWithRetry(database.uri, (line) => logger.warn(line), {
    postgresUrl: database.postgresUrl,
    log,
    countCommands: config.countDbCommands,
  });
  // Earlier versions' data is moved over, then course files are imported; the app serves the previous versions meanwhile.
  const startupImport = connection
    .then(() =>
      runDataMigrations(log).catch((error: unknown) =>
        logger.error({ err: error }, 'moving data from an earlier version failed; it is retried at the next start'),
      ),
    )
    .then(() => importCoursesAtStartup(config.coursesDir, logger));
  await Promise.race([connection, new Promise((r) => setTimeout(r, 5000))]);

  // Mail goes through the outbox; every process runs a worker that polls it and is nudged on every send.
  const mail = createMailSystem(config, logger);
  const app = buildApp({ config, logger, mail });
  mail.worker.start();
  // What the app's processes share goes through the database once a second: rate-limit counts, course publications.
  const stopSharedSync = startSharedSync([syncRateLimits, checkCourseChanges], (error) =>
    logger.warn({ err: error }, 'shared-state sync failed; it is retried every second'),
  );
  // Header size is capped (431 beyond it); slow clients are cut off by the timeouts below.
  const server = http.createServer({ maxHeaderSize: 16 * 1024 }, app);
  server.headersTimeout = 20000;
  server.requestTimeout = 30000;
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  logger.info({ url }, 'Procurement Academy is listening');

  let stopping: Promise<void> | undefined;
  return {
    app,
    server,
    database,
    url,
    shutdown(reason) {
      stopping ??= (async () => {
        logger.info({ reason }, 'shutting down');
        stopSharedSync();
        await shutdownGracefully({
          server,
          connection,
          database,
          logger,
          timeoutMs: config.shutdownTimeoutMs,
          pending: startupImport,
          beforeDatabaseClose: () => mail.worker.stop(config.shutdownTimeoutMs),
        });
        logger.info('shutdown complete');
      })();
      return stopping;
    },
  };
}
