/**
 * `npm run bench:certificates`: median certificate PDF generation time, and the throughput of the public
 * verification endpoint (HTML and JSON) measured with autocannon.
 *
 * Uses the same database resolver as the app (MONGODB_URI, or an embedded FerretDB under data/bench) and a database
 * of its own that it drops at the end. The app listens on 127.0.0.1 only; every load run is bounded in time.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { User } from '../src/accounts/user.model';
import { buildApp } from '../src/app';
import { renderCertificatePdf } from '../src/certificates/certificate-pdf';
import { Certificate } from '../src/certificates/certificate.model';
import { issueCertificate } from '../src/certificates/certificates.service';
import { loadConfig } from '../src/config';
import { importCourses } from '../src/courses/course-importer';
import { connectDatabase } from '../src/db/connection';
import { resolveDatabase } from '../src/db/resolve-database';
import { createLogger } from '../src/logger';

const PDF_RUNS = Number(process.env.BENCH_PDF_RUNS ?? 200);
const LOAD_SECONDS = Math.min(Number(process.env.BENCH_SECONDS ?? 10), 60);
const CONNECTIONS = 10;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

async function benchPdf(serial: string): Promise<void> {
  const doc = await Certificate.findOne({ serial }).lean();
  if (!doc) throw new Error('no certificate');
  await renderCertificatePdf(doc); // first use: fonts parsed, shaping cache filled
  const times: number[] = [];
  for (let i = 0; i < PDF_RUNS; i += 1) {
    const start = process.hrtime.bigint();
    await renderCertificatePdf(doc);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(
    `PDF generation over ${PDF_RUNS} runs: median ${percentile(times, 0.5).toFixed(1)} ms, p95 ${percentile(times, 0.95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`,
  );
}

async function benchVerify(url: string, label: string, accept: string): Promise<void> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: LOAD_SECONDS, headers: { accept } });
  console.log(
    `${label}: ${result.requests.average.toFixed(0)} req/s average over ${LOAD_SECONDS} s, ${CONNECTIONS} connections; latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; ${result.non2xx} non-2xx ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors`,
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pa-bench-'));
  const dbDir = path.resolve('data', 'bench');
  mkdirSync(dbDir, { recursive: true });
  const database = await resolveDatabase({
    mongodbUri: process.env.MONGODB_URI,
    dataDir: dbDir,
    ferretdbBin: process.env.FERRETDB_BIN,
    log: (line) => console.log(`[database] ${line}`),
    whenOwned: 'refuse',
  });
  const dbName = `bench_certificates_${randomBytes(4).toString('hex')}`;
  const connection = await connectDatabase(database.uri, dbName, { postgresUrl: database.postgresUrl });
  const config = loadConfig({
    NODE_ENV: 'production',
    BASE_URL: 'http://localhost:3000',
    SMTP_URL: 'smtp://127.0.0.1:9',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    PORT: '0',
    CERT_VERIFY_LIMIT_PER_MINUTE: '1000000',
    COURSES_DIR: path.resolve('courses'),
  });
  const app = buildApp({ config, logger: createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'error' }) });
  const server = app.listen(0, '127.0.0.1');
  try {
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    await importCourses(config.coursesDir);
    const user = await User.create({ name: 'Nguyễn Thị Minh Khai 张伟', email: 'bench@example.org', passwordHash: 'x' });
    const { certificate } = await issueCertificate({
      learnerId: String(user._id),
      courseSlug: 'selling-to-the-un',
      courseVersion: 1,
      completedAt: new Date(),
    });
    console.log(`Node ${process.version}, ${os.cpus().length} CPUs, database: ${database.kind}`);
    await benchPdf(certificate.serial);
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/verify/${certificate.code}`;
    await benchVerify(url, 'GET /verify/:code (HTML)', 'text/html');
    await benchVerify(url, 'GET /verify/:code (JSON)', 'application/json');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    if (mongoose.connection.readyState === 1) await mongoose.connection.dropDatabase();
    await connection.close();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
