import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive, processStartTime, stopOrphan } from './embedded-server';

/**
 * One owner per data folder. The process that starts the embedded servers writes `DATA_DIR/db/owner.json` (created
 * exclusively, so two starts cannot both win), records its servers there, and removes it when it stops. Another
 * process that finds a live owner uses the owner's servers (command-line tools) or refuses (a second app); servers
 * are stopped as stale only when the owner recorded with them is dead.
 */

export type RecordedServer = { kind: string; pid: number; startTime?: string };

export type OwnerState = {
  pid: number;
  startTime?: string;
  /** The MongoDB-protocol address of the owner's FerretDB, once it runs. */
  uri?: string;
  servers: RecordedServer[];
};

export type Ownership = {
  /** Records the servers and the address other processes may use. */
  publish(state: Pick<OwnerState, 'uri' | 'servers'>): void;
  release(): void;
};

export class DataFolderBusyError extends Error {
  override name = 'DataFolderBusyError';
  constructor(
    readonly owner: OwnerState,
    dataDir: string,
  ) {
    super(
      `Another Procurement Academy process (pid ${owner.pid}) is running on the data folder ${dataDir} and owns its database. ` +
        'Stop it first, or give this one another DATA_DIR.',
    );
  }
}

export function ownerFile(dbRoot: string): string {
  return path.join(dbRoot, 'owner.json');
}

function readOwner(file: string): OwnerState | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as OwnerState;
    return Number.isInteger(parsed.pid) ? { ...parsed, servers: parsed.servers ?? [] } : undefined;
  } catch {
    return undefined;
  }
}

/** The live owner of the data folder, if any. */
export function liveOwner(dbRoot: string): OwnerState | undefined {
  const owner = readOwner(ownerFile(dbRoot));
  return owner && owner.pid !== process.pid && isProcessAlive(owner.pid, owner.startTime) ? owner : undefined;
}

/** Stops what a dead owner left running (only the processes it recorded, and only while they are still those). */
async function clearDeadOwner(file: string, owner: OwnerState | undefined, log: (line: string) => void): Promise<void> {
  // FerretDB before PostgreSQL, as at a normal stop; PostgreSQL's fast shutdown is SIGINT.
  const servers = [...(owner?.servers ?? [])].sort((a) => (a.kind === 'postgres' ? 1 : -1));
  for (const server of servers) {
    if (await stopOrphan(server.pid, server.startTime, server.kind === 'postgres' ? 'SIGINT' : 'SIGTERM')) {
      log(`Stopped ${server.kind} (pid ${server.pid}) left running by an earlier process (pid ${owner?.pid}) that is gone`);
    }
  }
  rmSync(file, { force: true });
}

/**
 * Becomes the owner of `dbRoot`, or returns the live owner. A dead owner's servers are stopped first. A file that
 * cannot be read (a crash while writing it) counts as a dead owner.
 */
export async function claimDataFolder(
  dbRoot: string,
  log: (line: string) => void,
): Promise<{ ownership: Ownership } | { owner: OwnerState }> {
  const file = ownerFile(dbRoot);
  const me: OwnerState = { pid: process.pid, startTime: processStartTime(process.pid), servers: [] };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      return { ownership: ownershipOf(file, me) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    if (owner && isProcessAlive(owner.pid, owner.startTime)) return { owner };
    // Give a process that has just created the file a moment to finish writing it.
    if (!owner && msSinceWritten(file) < 2000) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    await clearDeadOwner(file, owner, log);
  }
  throw new Error(`could not take ownership of ${dbRoot}: ${file} keeps changing`);
}

/** Milliseconds since the file was last written (0 when it is gone). */
function msSinceWritten(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function ownershipOf(file: string, me: OwnerState): Ownership {
  return {
    publish(state) {
      // Written whole and renamed, so a reader never sees half a file.
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, JSON.stringify({ ...me, ...state }), { mode: 0o600 });
      renameSync(partial, file);
    },
    release() {
      if (readOwner(file)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}

/** Waits for a live owner that is still starting to publish its database address. */
export async function waitForOwnerUri(dbRoot: string, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const owner = liveOwner(dbRoot);
    if (!owner || owner.uri) return owner?.uri;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
