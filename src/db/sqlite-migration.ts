import { existsSync, readdirSync, renameSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mongo } from 'mongoose';
import { onlyDuplicateKeys } from './duplicate-key';
import { startSpawnedServer } from './embedded-server';

/**
 * Earlier versions kept the embedded data in FerretDB's SQLite backend under `DATA_DIR/db/ferretdb/sqlite`. At the
 * first start on PostgreSQL that folder is copied over, document by document with their exact BSON types, then
 * renamed to `sqlite.migrated-<time>` (kept as a backup; nothing is deleted). An interrupted copy is simply run again:
 * documents already copied are skipped by their `_id`, and the folder is renamed only once every count matches.
 */

export type MigrationSummary = { databases: number; collections: number; documents: number; ms: number; keptAt: string };

export function legacySqliteDir(dbRoot: string): string {
  return path.join(dbRoot, 'ferretdb', 'sqlite');
}

export function hasLegacySqliteData(dbRoot: string): boolean {
  const dir = legacySqliteDir(dbRoot);
  return existsSync(dir) && readdirSync(dir).some((file) => file.endsWith('.sqlite'));
}

const SYSTEM_DATABASES = new Set(['admin', 'config', 'local']);
// Keeps every value as stored: Int32/Int64/Double wrappers and binary data are written back unchanged.
const RAW_TYPES = { promoteLongs: false, promoteValues: false, promoteBuffers: false } as const;

async function copyCollection(source: mongo.Collection, target: mongo.Collection): Promise<number> {
  for (const index of await source.indexes()) {
    if (index.name === '_id_') continue;
    await target.createIndex(index.key, { name: index.name, ...(index.unique ? { unique: true } : {}) });
  }
  let batch: mongo.Document[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    try {
      await target.insertMany(batch, { ordered: false });
    } catch (error) {
      // A rerun after an interruption: documents copied the first time are already there.
      if (!onlyDuplicateKeys(error)) throw error;
    }
    batch = [];
  };
  for await (const document of source.find({}, RAW_TYPES)) {
    batch.push(document);
    if (batch.length >= 500) await flush();
  }
  await flush();
  const [from, to] = await Promise.all([source.countDocuments(), target.countDocuments()]);
  if (to < from) throw new Error(`${source.namespace}: ${from} documents in SQLite but ${to} after the copy`);
  return from;
}

/** Copies every database of the legacy SQLite folder into the server at `targetUri`, then renames the folder. */
export async function migrateSqliteData(options: {
  dbRoot: string;
  ferretdbBinary: string;
  targetUri: string;
  log: (line: string) => void;
}): Promise<MigrationSummary> {
  const started = Date.now();
  const sqliteDir = legacySqliteDir(options.dbRoot);
  options.log(`Found data from an earlier version in ${sqliteDir} (FerretDB on SQLite): moving it to PostgreSQL…`);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'pa-sqlite-migration-'));
  const sqliteServer = await startSpawnedServer({
    kind: 'ferretdb',
    command: options.ferretdbBinary,
    args: (port) => [
      '--handler=sqlite',
      `--sqlite-url=file:${sqliteDir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      `--state-dir=${stateDir}`,
      '--telemetry=disable',
      '--log-level=error',
    ],
  });
  const source = new mongo.MongoClient(`mongodb://127.0.0.1:${sqliteServer.port}/`);
  const target = new mongo.MongoClient(options.targetUri);
  const summary = { databases: 0, collections: 0, documents: 0 };
  try {
    await Promise.all([source.connect(), target.connect()]);
    const { databases } = await source.db('admin').admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) {
      if (SYSTEM_DATABASES.has(name)) continue;
      summary.databases += 1;
      for (const { name: collection } of await source.db(name).listCollections({}, { nameOnly: true }).toArray()) {
        const copied = await copyCollection(source.db(name).collection(collection), target.db(name).collection(collection));
        summary.collections += 1;
        summary.documents += copied;
        options.log(`  ${name}.${collection}: ${copied} documents`);
      }
    }
  } finally {
    await Promise.allSettled([source.close(), target.close()]);
    await sqliteServer.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
  const keptAt = `${sqliteDir}.migrated-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(sqliteDir, keptAt);
  const ms = Date.now() - started;
  options.log(
    `Moved ${summary.documents} documents in ${summary.collections} collections to PostgreSQL (${ms} ms); the SQLite files are kept in ${keptAt} and can be deleted once you are satisfied`,
  );
  return { ...summary, ms, keptAt };
}
