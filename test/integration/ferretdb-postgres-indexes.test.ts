/**
 * The GIN indexes that let FerretDB on PostgreSQL answer reads from an index. The first block checks what is derived
 * from the models; the second runs under `npm run test:postgres` (which sets FERRETDB_POSTGRES_URL): it applies the
 * indexes to a real FerretDB database and asks PostgreSQL's planner about the exact filter shape FerretDB sends.
 */
import { spawnSync } from 'node:child_process';
import mongoose, { Types } from 'mongoose';
import '../../src/app';
import { connectDatabase } from '../../src/db/connection';
import { applyGinIndexes, ginIndexSql, indexedFieldsByCollection } from '../../src/db/ferretdb-postgres-indexes';
import { ModuleCompletion } from '../../src/learning/module-completion.model';
import { testDatabaseName, testDatabaseUri } from '../support/test-app';

describe('GIN indexes derived from the models', () => {
  it('covers _id and every top-level field the models index, per collection', () => {
    const fields = indexedFieldsByCollection();
    expect(fields.get('moduleCompletions')).toEqual(expect.arrayContaining(['_id', 'learnerId', 'courseSlug', 'moduleSlug']));
    expect(fields.get('users')).toEqual(expect.arrayContaining(['_id', 'email']));
    for (const list of fields.values()) expect(list.every((field) => !field.includes('.'))).toBe(true);
  });

  it('quotes names so that a collection name cannot break out of the statement', () => {
    const sql = ginIndexSql("db", new Map([["we'ird", ['_id']]]));
    expect(sql).toContain("('we''ird', '_id')");
    expect(sql).toContain('USING gin ((_jsonb -> %L))');
  });
});

const postgresUrl = process.env.FERRETDB_POSTGRES_URL;
(postgresUrl ? describe : describe.skip)('on FerretDB with PostgreSQL', () => {
  const dbName = testDatabaseName('gin');
  let connection: Awaited<ReturnType<typeof connectDatabase>>;
  beforeAll(async () => {
    connection = await connectDatabase(testDatabaseUri(), dbName);
  });
  afterAll(async () => {
    await mongoose.connection.dropDatabase();
    await connection.close();
  });

  const explain = (sql: string) => {
    const run = spawnSync('psql', [postgresUrl!, '-qtA', '-v', 'ON_ERROR_STOP=1'], { input: `SET enable_seqscan = off;\n${sql}`, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    return run.stdout;
  };

  it("serves FerretDB's pushed-down filter `_jsonb -> 'learnerId' @> value` from an index once applied", async () => {
    const learnerId = new Types.ObjectId();
    await ModuleCompletion.create({ learnerId, courseSlug: 'c', moduleSlug: 'm', courseVersion: 1 });
    const table = explain(`SELECT _jsonb->>'table' FROM "${dbName}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'moduleCompletions';`).trim();
    expect(table).toMatch(/^modulecompletions_/);
    const query = `EXPLAIN SELECT _jsonb FROM "${dbName}"."${table}" WHERE _jsonb -> 'learnerId' @> '"${String(learnerId)}"';`;
    expect(explain(query)).not.toMatch(/Index Cond/);

    applyGinIndexes(postgresUrl!, dbName, () => undefined);
    applyGinIndexes(postgresUrl!, dbName, () => undefined); // a second run changes nothing and does not fail
    expect(explain(query)).toMatch(/Bitmap Index Scan on pa_gin_modulecompletions_\w+_learnerid/);
    // Reads through FerretDB still find the document.
    expect(await ModuleCompletion.countDocuments({ learnerId })).toBe(1);
  });
});
