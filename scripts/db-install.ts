/**
 * `npm run db:install`: makes sure a working FerretDB binary is available (found or built into the cache),
 * so that `npm start` and `npm test` start at once. CI runs it before the tests.
 */
import { buildFerretdb, findFerretdb } from '../src/db/ferretdb-binary';

async function main(): Promise<void> {
  // With --print-path, only the binary's path goes to stdout (for scripts); progress goes to stderr.
  const printPath = process.argv.includes('--print-path');
  const log = (line: string) => (printPath ? console.error(line) : console.log(line));
  const binary = findFerretdb(process.env.FERRETDB_BIN, log) ?? (await buildFerretdb(log));
  console.log(printPath ? binary : `FerretDB ready: ${binary}`);
}

main().catch((error: unknown) => {
  console.error(`Could not install FerretDB: ${(error as Error).message}`);
  process.exit(1);
});
