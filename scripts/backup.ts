/**
 * `npm run backup [-- --out DIR]`: writes a backup of the configured database (Extended JSON lines per collection),
 * the uploads folder and the certificate public keys to DIR (default DATA_DIR/backups/<timestamp>).
 */
import path from 'node:path';
import { writeBackup } from '../src/backup/backup.service';
import { withDatabase } from './with-database';

const argument = (name: string) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

withDatabase(async (config) => {
  const out = path.resolve(argument('--out') ?? path.join(config.dataDir, 'backups', new Date().toISOString().replace(/[:.]/g, '-')));
  const manifest = await writeBackup(out, {
    uploadsDir: path.join(config.dataDir, 'uploads'),
    publicKeysDir: path.join(config.dataDir, 'keys', 'public'),
  });
  for (const { name, documents } of manifest.collections) console.log(`${name}: ${documents}`);
  console.log(`Backup written to ${out}`);
});
