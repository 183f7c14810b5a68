import mongoose from 'mongoose';
import { applyGinIndexes } from './ferretdb-postgres-indexes';

/**
 * Options tuned so that a database outage is noticed within seconds and requests fail fast with a 503 instead of
 * hanging; the driver keeps monitoring the server and reconnects by itself when it is back.
 */
const connectOptions: mongoose.ConnectOptions = {
  serverSelectionTimeoutMS: 3000,
  heartbeatFrequencyMS: 2000,
  connectTimeoutMS: 3000,
  socketTimeoutMS: 30000,
  maxPoolSize: 50,
};

// Without buffering, a query made while disconnected fails at once (and becomes a 503) instead of waiting.
mongoose.set('bufferCommands', false);
// User input never reaches a filter as an object: forms are parsed flat (urlencoded, extended: false) and
// validated by zod into strings at the edge. (Mongoose's global sanitizeFilter would also strip the app's own
// operators, so it is not used.)
mongoose.set('strictQuery', true);
// Indexes are created explicitly once connected (see ensureIndexes): automatic creation at model compile time
// would run before the connection exists, because buffering is off.
mongoose.set('autoIndex', false);
mongoose.set('autoCreate', false);

export type DatabaseConnection = {
  connection: mongoose.Connection;
  close(): Promise<void>;
};

export type IndexOptions = {
  /** The PostgreSQL database behind FerretDB, when known: the GIN indexes that serve its reads are made there. */
  postgresUrl?: string;
  log?: (line: string) => void;
  /** Count every command sent (the driver's command monitoring), for the benchmark and the round-trip tests. */
  countCommands?: boolean;
};

/** Database commands sent since start, by command name (only while counting is on; see IndexOptions). */
const commandCounts = new Map<string, number>();

export function databaseCommandCounts(): { total: number; byName: Record<string, number> } {
  const byName = Object.fromEntries(commandCounts);
  return { total: Object.values(byName).reduce((sum, n) => sum + n, 0), byName };
}

/**
 * Connects the default Mongoose connection and makes every index the models declare (plus, on FerretDB with a known
 * PostgreSQL, the GIN indexes); rejects if the server cannot be reached within the timeout.
 */
export async function connectDatabase(uri: string, dbName?: string, indexes: IndexOptions = {}): Promise<DatabaseConnection> {
  await mongoose.connect(uri, {
    ...connectOptions,
    ...(dbName ? { dbName } : {}),
    ...(indexes.countCommands ? { monitorCommands: true } : {}),
  });
  if (indexes.countCommands) {
    mongoose.connection
      .getClient()
      .on('commandStarted', (event: { commandName: string }) =>
        commandCounts.set(event.commandName, (commandCounts.get(event.commandName) ?? 0) + 1),
      );
  }
  await ensureIndexes();
  if (indexes.postgresUrl) {
    const log = indexes.log ?? (() => undefined);
    // Without them reads are slower, not wrong: a failure is reported and the app goes on.
    await applyGinIndexes(indexes.postgresUrl, mongoose.connection.name, log).catch((error: unknown) =>
      log(`GIN indexes not made: ${(error as Error).message}`),
    );
  }
  return {
    connection: mongoose.connection,
    close: () => mongoose.disconnect(),
  };
}

/** Creates every index the models declare (a no-op for those that exist). */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) await model.createIndexes();
}

/** Keeps trying to connect until it succeeds, so the app can start while the database is still coming up. */
export async function connectWithRetry(uri: string, log: (line: string) => void, indexes: IndexOptions = {}): Promise<DatabaseConnection> {
  let delay = 500;
  for (;;) {
    try {
      return await connectDatabase(uri, undefined, indexes);
    } catch (error) {
      log(`Database not reachable yet (${(error as Error).message}); retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10000);
    }
  }
}

/** True when the database answers a ping within `timeoutMs`. */
export async function isDatabaseUp(timeoutMs = 1500): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const ping = db.admin().command({ ping: 1 });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
    });
    await Promise.race([ping, timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Errors that mean "the database is unreachable right now", as opposed to a bug or bad input. */
export function isDatabaseOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const names = [
    'MongoServerSelectionError',
    'MongooseServerSelectionError',
    'MongoNetworkError',
    'MongoNetworkTimeoutError',
    'MongoNotConnectedError',
    'MongoTopologyClosedError',
    'MongoPoolClearedError',
  ];
  if (names.includes(error.name)) return true;
  return /Client must be connected|buffering timed out|Cannot call .* before initial connection|connection .* closed/i.test(error.message);
}
