/**
 * The GIN indexes that let FerretDB on PostgreSQL answer reads from an index. The first block checks what is derived
 * from the models; the second runs wherever the tests know the PostgreSQL behind FerretDB (the default embedded one,
 * or POSTGRES_URL): it asks PostgreSQL's planner about each hot query in the exact shape FerretDB 1.24 sends
 * (`_jsonb -> $1 @> $2` per equality, parameters bound, as in its backends/postgresql/query.go), and fails on a
 * sequential scan.
 */
import mongoose, { Types } from 'mongoose';
import pg from 'pg';
import '../../src/app';
import { connectDatabase } from '../../src/db/connection';
import { applyGinIndexes, ginIndexSql, indexedFieldsByCollection } from '../../src/db/ferretdb-postgres-indexes';
import { testDatabaseName, testDatabaseUri } from '../support/test-app';

describe('GIN indexes derived from the models', () => {
  it('covers _id and the leading field of every index the models declare, per collection (not low-cardinality followers)', () => {
    const fields = indexedFieldsByCollection();
    expect(fields.get('learnerFacts')).toEqual(['_id', 'addedMinute', 'learnerId']);
    expect(fields.get('users')).toEqual(expect.arrayContaining(['_id', 'email']));
    for (const list of fields.values()) expect(list.every((field) => !field.includes('.'))).toBe(true);
  });

  it('quotes names so that a collection name cannot break out of the statement', () => {
    const sql = ginIndexSql('db', new Map([["we'ird", ['_id']]]));
    expect(sql).toContain("('we''ird', '_id')");
    expect(sql).toContain('USING gin ((_jsonb -> %L))');
  });
});

const postgresUrl = process.env.TEST_POSTGRES_URL;
(postgresUrl ? describe : describe.skip)('hot queries on FerretDB with PostgreSQL', () => {
  const dbName = testDatabaseName('gin');
  let connection: Awaited<ReturnType<typeof connectDatabase>>;
  let client: pg.Client;
  beforeAll(async () => {
    // Without the PostgreSQL URL: only the models' own indexes, which FerretDB's filters cannot use.
    connection = await connectDatabase(testDatabaseUri(), dbName);
    client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await mongoose.connection.dropDatabase();
    await connection.close();
  });

  /** PostgreSQL's plan for FerretDB's query of `collection` filtered by equality on each field (values as FerretDB's JSON). */
  async function planOf(collection: string, filter: Record<string, unknown>): Promise<string> {
    const table = await client.query(
      `SELECT _jsonb->>'table' AS t FROM ${client.escapeIdentifier(dbName)}._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`,
      [collection],
    );
    const name = table.rows[0]?.t as string | undefined;
    if (!name) throw new Error(`no table for ${collection}`);
    const fields = Object.entries(filter);
    const where = fields.map((_, i) => `_jsonb->$${2 * i + 1} @> $${2 * i + 2}`).join(' AND ');
    const params = fields.flatMap(([field, value]) => [
      field,
      JSON.stringify(value instanceof Types.ObjectId ? value.toHexString() : value),
    ]);
    // Small tables would be scanned whatever the indexes: forbid that, so only a missing index shows as a Seq Scan.
    await client.query('SET enable_seqscan = off');
    const plan = await client.query(
      `EXPLAIN SELECT _jsonb FROM ${client.escapeIdentifier(dbName)}.${client.escapeIdentifier(name)} WHERE ${where}`,
      params,
    );
    return plan.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
  }

  const learnerId = new Types.ObjectId();
  const hotQueries: [string, string, Record<string, unknown>][] = [
    ['session by id', 'sessions', { _id: 'a-session-id' }],
    ['user by email', 'users', { email: 'someone@example.org' }],
    ['learner state in a course (one read)', 'learnerFacts', { learnerId, courseSlug: 'selling-to-the-un' }],
    ['learner state in all courses (dashboard)', 'learnerFacts', { learnerId }],
    ['quiz attempts of a learner', 'quizAttempts', { learnerId, courseSlug: 'selling-to-the-un', moduleSlug: 'm' }],
    ['certificate by code', 'certificates', { code: 'ABCD-EFGH-JKMN-PQRS-TVWX' }],
    ['course version', 'courseVersions', { courseSlug: 'selling-to-the-un', version: 3 }],
  ];

  it('shows a sequential scan where no GIN index serves the filter (the check can fail)', async () => {
    expect(await planOf('users', { email: 'someone@example.org' })).toMatch(/Seq Scan/);
  });

  it.each(hotQueries)('%s is served from an index once the GIN indexes are applied (idempotent)', async (_label, collection, filter) => {
    await applyGinIndexes(postgresUrl!, dbName, () => undefined);
    const plan = await planOf(collection, filter);
    expect(plan).not.toMatch(/Seq Scan/);
    expect(plan).toMatch(/Index Scan on pa_gin_/);
  });

  it('reads through FerretDB still find the documents', async () => {
    await applyGinIndexes(postgresUrl!, dbName, () => undefined);
    const users = mongoose.connection.db!.collection('users');
    await users.insertOne({ email: 'found@example.org', name: 'Found' });
    expect(await users.countDocuments({ email: 'found@example.org' })).toBe(1);
  });
});
