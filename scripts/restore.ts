/** `npm run restore -- --from DIR`: restores a backup made by `npm run backup` into an empty database. */
import path from 'node:path';
import '../src/app'; // registers every model, so their indexes are recreated after the restore
import { restoreBackup } from '../src/backup/backup.service';
import { withDatabase } from './with-database';

const index = process.argv.indexOf('--from');
const from = index >= 0 ? process.argv[index + 1] : undefined;
if (!from) {
  console.error('Usage: npm run restore -- --from <backup folder>');
  process.exit(2);
}

withDatabase(async (config) => {
  const manifest = await restoreBackup(path.resolve(from), {
    uploadsDir: path.join(config.dataDir, 'uploads'),
    publicKeysDir: path.join(config.dataDir, 'keys', 'public'),
  });
  console.log(
    `Restored ${manifest.collections.reduce((sum, c) => sum + c.documents, 0)} documents in ${manifest.collections.length} collections from ${from}`,
  );
});
