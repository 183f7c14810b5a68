import mongoose from 'mongoose';
import { isDuplicateKey } from './duplicate-key';

/**
 * Start-up data steps that need a scan are marked done by one insert (the name is the `_id`), so every later start
 * pays one indexed read instead of the scan: FerretDB evaluates operators such as `$exists` after reading every row.
 */
const marks = () => mongoose.connection.db!.collection<{ _id: string; doneAt: Date }>('dataMigrations');

export async function isMigrationDone(name: string): Promise<boolean> {
  return (await marks().findOne({ _id: name }, { projection: { _id: 1 } })) !== null;
}

export async function markMigrationDone(name: string): Promise<void> {
  try {
    await marks().insertOne({ _id: name, doneAt: new Date() });
  } catch (error) {
    // Another process finished the same step first.
    if (!isDuplicateKey(error)) throw error;
  }
}
