import mongoose from 'mongoose';
import pg from 'pg';

/**
 * Makes FerretDB 1.24 on PostgreSQL use indexes for reads.
 *
 * FerretDB creates each declared index as a btree on `(_jsonb -> 'field')`, but pushes an equality filter down as
 * `_jsonb -> $1 @> $2`, which a btree cannot serve: every read is a sequential scan (about 0.5 µs per document,
 * so about half a second per query on a million progress records). A GIN index on the same expression serves
 * `@>`, and PostgreSQL uses it as soon as the key parameter is known, which a custom plan guarantees. Measured on
 * 200 000 documents: 100 ms → 0.4 ms per lookup.
 *
 * The fields come from the models' own index declarations (plus `_id`), so the model files stay the one list of
 * indexes. Only top-level fields: FerretDB pushes down nothing else. Not needed on MongoDB, which uses the
 * declared indexes itself.
 */

/**
 * The top-level field that leads each index a model declares, per collection (plus `_id`). Only leading fields: an
 * index is declared for the lookups that start with its first field, and a GIN index on a field with few values
 * (a course slug shared by a million facts, a kind) is worse than none: PostgreSQL plans every query against every
 * index (force_custom_plan replans each one), and each insert updates each GIN index. Measured on learnerFacts at
 * 2 million documents: with six GIN indexes a learner's read took 6.5 ms, 5.7 of it planning.
 */
export function indexedFieldsByCollection(models = Object.values(mongoose.models)): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const model of models) {
    // Several models can share a collection (the kinds of learnerFacts are discriminators of one model).
    const fields = new Set<string>(['_id', ...(result.get(model.collection.collectionName) ?? [])]);
    for (const [keys] of model.schema.indexes()) {
      const leading = Object.keys(keys)[0];
      if (leading && !leading.includes('.')) fields.add(leading);
    }
    result.set(model.collection.collectionName, [...fields].sort());
  }
  return result;
}

const identifier = (value: string) => `"${value.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * The SQL for one database: look up each collection's table in FerretDB's metadata (it hashes table names), create
 * the GIN indexes that are missing, and drop ours that are no longer wanted (a field that stopped leading an index).
 * Collections not created yet are skipped; running it again is harmless.
 */
export function ginIndexSql(schema: string, fieldsByCollection: Map<string, string[]>): string {
  const pairs = [...fieldsByCollection].flatMap(([collection, fields]) =>
    fields.map((field) => `(${literal(collection)}, ${literal(field)})`),
  );
  if (pairs.length === 0) return '';
  return `DO $$
DECLARE
  wanted record;
  table_name text;
  index_name text;
  kept text[] := '{}';
  stale record;
BEGIN
  IF to_regclass(${literal(`${identifier(schema)}._ferretdb_database_metadata`)}) IS NULL THEN RETURN; END IF;
  FOR wanted IN SELECT * FROM (VALUES ${pairs.join(', ')}) AS v(collection, field) LOOP
    EXECUTE format('SELECT _jsonb->>''table'' FROM %I._ferretdb_database_metadata WHERE _jsonb->>''_id'' = %L', ${literal(schema)}, wanted.collection) INTO table_name;
    CONTINUE WHEN table_name IS NULL;
    index_name := left('pa_gin_' || table_name || '_' || regexp_replace(lower(wanted.field), '[^a-z0-9]', '', 'g'), 63);
    IF to_regclass(format('%I.%I', ${literal(schema)}, index_name)) IS NULL THEN
      EXECUTE format('CREATE INDEX %I ON %I.%I USING gin ((_jsonb -> %L))', index_name, ${literal(schema)}, table_name, wanted.field);
      -- The planner needs statistics of the new expression before it will use the index.
      EXECUTE format('ANALYZE %I.%I', ${literal(schema)}, table_name);
    END IF;
    kept := kept || index_name;
  END LOOP;
  FOR stale IN SELECT indexname FROM pg_indexes WHERE schemaname = ${literal(schema)} AND left(indexname, 7) = 'pa_gin_' AND NOT (indexname = ANY (kept)) LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I.%I', ${literal(schema)}, stale.indexname);
  END LOOP;
END $$;
`;
}

/** Runs SQL (one or more statements) on `postgresUrl` and returns the rows of the last one, as arrays of text. */
export async function runSql(postgresUrl: string, sql: string): Promise<string[][]> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const results = await client.query({ text: sql, rowMode: 'array' } as pg.QueryArrayConfig);
    const last = Array.isArray(results) ? (results as pg.QueryArrayResult[]).at(-1) : results;
    return (last?.rows ?? []).map((row) => row.map((value) => (value === null ? '' : String(value))));
  } finally {
    await client.end();
  }
}

/**
 * Creates the GIN indexes for every index the models declare, in the PostgreSQL database FerretDB stores in
 * (`postgresUrl`); `schema` is the MongoDB database name. Idempotent; logs its duration.
 */
export async function applyGinIndexes(postgresUrl: string, schema: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const database = new URL(postgresUrl).pathname.slice(1);
  const sql = `${ginIndexSql(schema, indexedFieldsByCollection())}
ALTER DATABASE ${identifier(database)} SET plan_cache_mode = force_custom_plan;
`;
  await runSql(postgresUrl, sql);
  log(`GIN indexes for FerretDB on PostgreSQL in place for ${schema} (${Date.now() - started} ms)`);
}
