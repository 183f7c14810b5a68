/**
 * One app process for the multi-process status log test: connects to the test database, shares DATA_DIR with the
 * others, and revokes the serials it is given, all at once. Prints a JSON line: the outcome per serial.
 */
import mongoose from 'mongoose';
import { revokeCertificate } from '../../src/certificates/certificate-admin.service';
import { configureCertificates } from '../../src/certificates/certificates.context';

async function main(): Promise<void> {
  const [uri, dbName, dataDir, serials] = process.argv.slice(2) as [string, string, string, string];
  if (!dbName.startsWith('test_')) throw new Error('refusing a non-test database');
  await mongoose.connect(uri, { dbName });
  configureCertificates({
    baseUrl: 'http://localhost:3000',
    dataDir,
    issuerName: 'Procurement Academy',
    programmeName: 'Programme',
    certSigningKey: undefined,
  });
  const admin = { id: '64b7f0c2a1b2c3d4e5f60718', role: 'admin' as const };
  const results = await Promise.all(
    serials.split(',').map(async (serial) => {
      const result = await revokeCertificate(admin, { serial, reason: 'other', note: `pid ${process.pid}` });
      return [serial, typeof result === 'string' ? result : 'revoked'] as const;
    }),
  );
  process.stdout.write(`${JSON.stringify(Object.fromEntries(results))}\n`);
  await mongoose.disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
