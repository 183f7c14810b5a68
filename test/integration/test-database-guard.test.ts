/**
 * The test helpers drop their database when done, so they must refuse any database that is not a test database: the
 * name checked is the one the driver resolves from the URI actually used (and `dbName`), before anything is sent.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { connectTestDatabase, databaseNameFor, testDatabaseUri } from '../support/test-app';

/** The test server's URI with `name` as its database path (as a MONGODB_URI naming a real database would be). */
function uriNaming(name: string): string {
  const uri = new URL(testDatabaseUri());
  uri.pathname = `/${name}`;
  return uri.toString();
}

/** Names of the databases on the test server, read by a client of its own (the guard's connection is never opened). */
async function databasesOnServer(): Promise<string[]> {
  const client = new mongoose.mongo.MongoClient(testDatabaseUri());
  try {
    const { databases } = await client.db().admin().listDatabases({ nameOnly: true });
    return databases.map((database) => database.name);
  } finally {
    await client.close();
  }
}

describe('the test database guard', () => {
  afterEach(async () => {
    if (mongoose.connection.readyState !== 0) await mongoose.disconnect();
  });

  it('resolves the database name as the driver does: the dbName option wins over the URI path, "test" when neither', () => {
    expect(databaseNameFor('mongodb://127.0.0.1:27017/test_from_path?directConnection=true')).toBe('test_from_path');
    expect(databaseNameFor('mongodb://127.0.0.1:27017/test_from_path', 'academy')).toBe('academy');
    expect(databaseNameFor('mongodb://127.0.0.1:27017/')).toBe('test');
  });

  it('refuses a non-test database named in the URI, without creating or touching it', async () => {
    const live = `academy_live_${randomBytes(4).toString('hex')}`;
    await expect(connectTestDatabase(uriNaming(live), undefined)).rejects.toThrow(`refusing to use non-test database "${live}"`);
    expect(mongoose.connection.readyState).toBe(0);
    expect(await databasesOnServer()).not.toContain(live);
  });

  it('refuses a non-test dbName even when the URI path looks like a test database', async () => {
    const live = `academy_prod_${randomBytes(4).toString('hex')}`;
    await expect(connectTestDatabase(uriNaming('test_decoy'), live)).rejects.toThrow(`refusing to use non-test database "${live}"`);
    expect(mongoose.connection.readyState).toBe(0);
    expect(await databasesOnServer()).not.toContain(live);
  });

  it('refuses the driver default "test" when neither the URI nor dbName names a database', async () => {
    await expect(connectTestDatabase(uriNaming(''), undefined)).rejects.toThrow('refusing to use non-test database "test"');
    expect(mongoose.connection.readyState).toBe(0);
  });

  it('accepts a test database named only in the URI, and the live connection uses exactly that database', async () => {
    const name = `test_guard_${randomBytes(4).toString('hex')}`;
    const connection = await connectTestDatabase(uriNaming(name), undefined);
    try {
      expect(mongoose.connection.db?.databaseName).toBe(name);
    } finally {
      await mongoose.connection.dropDatabase();
      await connection.close();
    }
  });
});
