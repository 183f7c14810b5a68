import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The head of the certificate status log (sequence number and hash of the last entry), kept outside the database in
 * DATA_DIR/keys/status-log beside the signing keys. N processes share that folder: each head is its own file
 * `head-<seq>.json`, created complete (written to a temporary name, then renamed), and readers take the highest
 * sequence. So two processes never overwrite each other's head with an older one, and a reader never sees half a file.
 */
export type StatusHead = { seq: number; hash: string };

const NAME = /^head-(\d{12})\.json$/;
const KEEP = 8;

export function statusHeadDir(dataDir: string): string {
  return path.join(dataDir, 'keys', 'status-log');
}

function headFiles(dir: string): { name: string; seq: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => ({ name, match: NAME.exec(name) }))
    .filter((file): file is { name: string; match: RegExpExecArray } => file.match !== null)
    .map((file) => ({ name: file.name, seq: Number(file.match[1]) }))
    .sort((a, b) => a.seq - b.seq);
}

/** The highest head written by any process, or null when none was ever written. Throws on an unreadable head file. */
export function readStatusHead(dataDir: string): StatusHead | null {
  const dir = statusHeadDir(dataDir);
  const last = headFiles(dir).at(-1);
  if (!last) return null;
  const head = JSON.parse(readFileSync(path.join(dir, last.name), 'utf8')) as Partial<StatusHead>;
  if (head.seq !== last.seq || typeof head.hash !== 'string' || !/^[0-9a-f]{64}$/.test(head.hash)) {
    throw new Error(`status head file ${last.name} is damaged`);
  }
  return { seq: head.seq, hash: head.hash };
}

/** Records a head; older head files beyond the last few are removed (the highest is never touched). */
export function writeStatusHead(dataDir: string, head: StatusHead): void {
  const dir = statusHeadDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `head-${String(head.seq).padStart(12, '0')}.json`;
  const temporary = path.join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(temporary, `${JSON.stringify({ seq: head.seq, hash: head.hash })}\n`, { mode: 0o644 });
  renameSync(temporary, path.join(dir, name));
  const files = headFiles(dir);
  for (const file of files.slice(0, Math.max(0, files.length - KEEP))) {
    try {
      unlinkSync(path.join(dir, file.name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
