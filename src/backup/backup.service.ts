import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';
import mongoose from 'mongoose';
import { announceCourseChange } from '../courses/course-changes';

const { EJSON } = mongoose.mongo.BSON;

export type BackupManifest = {
  format: 'procurement-academy-backup/1';
  createdAt: string;
  database: string;
  collections: { name: string; documents: number }[];
  uploads: boolean;
  publicKeys: boolean;
};

const BATCH = 1000;

function requireDb() {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected to a database');
  return db;
}

/**
 * Writes every collection as Extended JSON lines (types such as ObjectId, Date and Binary survive), the uploads folder
 * and the certificate public keys, plus a manifest. Documents are read in `_id` order in one pass per collection;
 * most of the app's data is insert-only, so a backup taken while the app runs misses at most the writes made during it.
 */
export async function writeBackup(outDir: string, options: { uploadsDir?: string; publicKeysDir?: string } = {}): Promise<BackupManifest> {
  const db = requireDb();
  await mkdir(path.join(outDir, 'collections'), { recursive: true });
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((name) => !name.startsWith('system.'))
    .sort();
  const collections: BackupManifest['collections'] = [];
  for (const name of names) {
    const file = createWriteStream(path.join(outDir, 'collections', `${name}.jsonl`), { encoding: 'utf8' });
    let documents = 0;
    for await (const doc of db.collection(name).find({}).sort({ _id: 1 })) {
      if (!file.write(`${EJSON.stringify(doc, { relaxed: false })}\n`)) await once(file, 'drain');
      documents += 1;
    }
    file.end();
    await once(file, 'finish');
    collections.push({ name, documents });
  }
  const uploads = Boolean(options.uploadsDir && existsSync(options.uploadsDir));
  if (uploads) await cp(options.uploadsDir!, path.join(outDir, 'uploads'), { recursive: true });
  // Only the public halves: the private signing key is a secret and is backed up (or not) by the operator.
  const publicKeys = Boolean(options.publicKeysDir && existsSync(options.publicKeysDir));
  if (publicKeys) await cp(options.publicKeysDir!, path.join(outDir, 'public-keys'), { recursive: true });
  const manifest: BackupManifest = {
    format: 'procurement-academy-backup/1',
    createdAt: new Date().toISOString(),
    database: db.databaseName,
    collections,
    uploads,
    publicKeys,
  };
  await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Restores a backup into an EMPTY database (refuses otherwise), then recreates the models' indexes. */
export async function restoreBackup(inDir: string, options: { uploadsDir?: string; publicKeysDir?: string } = {}): Promise<BackupManifest> {
  const db = requireDb();
  const manifest = JSON.parse(await readFile(path.join(inDir, 'manifest.json'), 'utf8')) as BackupManifest;
  if (manifest.format !== 'procurement-academy-backup/1') throw new Error(`unknown backup format ${String(manifest.format)}`);
  const existing = await db.listCollections({}, { nameOnly: true }).toArray();
  for (const { name } of existing) {
    if ((await db.collection(name).estimatedDocumentCount()) > 0)
      throw new Error(`the database is not empty (collection ${name} has documents): restore only into an empty database`);
  }
  const files = (await readdir(path.join(inDir, 'collections'))).filter((file) => file.endsWith('.jsonl'));
  for (const file of files) {
    const collection = db.collection(file.slice(0, -'.jsonl'.length));
    const lines = readline.createInterface({ input: createReadStream(path.join(inDir, 'collections', file), 'utf8'), crlfDelay: Infinity });
    let batch: Record<string, unknown>[] = [];
    for await (const line of lines) {
      if (!line.trim()) continue;
      batch.push(EJSON.parse(line, { relaxed: false }) as Record<string, unknown>);
      if (batch.length >= BATCH) {
        await collection.insertMany(batch, { ordered: true });
        batch = [];
      }
    }
    if (batch.length) await collection.insertMany(batch, { ordered: true });
  }
  for (const model of Object.values(mongoose.models)) await model.createIndexes();
  if (manifest.uploads && options.uploadsDir) await cp(path.join(inDir, 'uploads'), options.uploadsDir, { recursive: true });
  // Old certificates stay verifiable after a restore even when the signing key changed: their public keys come back.
  if (manifest.publicKeys && options.publicKeysDir) await cp(path.join(inDir, 'public-keys'), options.publicKeysDir, { recursive: true });
  // A restore made beside a running app (the tools share its database) must reach the app's course heads too.
  await announceCourseChange('*').catch(() => undefined);
  return manifest;
}
