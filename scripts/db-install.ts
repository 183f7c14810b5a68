/**
 * `npm run db:install`: makes sure a working FerretDB binary is available (found or built into the cache),
 * so that `npm start` and `npm test` start at once. CI runs it before the tests.
 */
import { buildFerretdb, findFerretdb } from '../src/db/ferretdb-binary';

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  const found = findFerretdb(process.env.FERRETDB_BIN, log);
  if (found) {
    console.log(`FerretDB ready: ${found}`);
    return;
  }
  await buildFerretdb(log);
}

main().catch((error: unknown) => {
  console.error(`Could not install FerretDB: ${(error as Error).message}`);
  process.exit(1);
});
