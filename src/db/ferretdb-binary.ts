import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, cpSync, chmodSync, writeFileSync, rmSync, mkdtempSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findOnPath } from './find-on-path';

const run = promisify(execFile);

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

/** Where a FerretDB built by this project is cached, shared by every checkout on the machine. */
export function cachedFerretdbPath(): string {
  const cacheRoot = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheRoot, 'procurement-academy', `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}

/**
 * True when the binary runs. A FerretDB made by a plain `go install` exits with a panic at start (see
 * buildFerretdb), so a binary found on PATH is tried before it is trusted.
 */
function runs(binary: string): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore', timeout: 10000 }).status === 0;
}

/** A working ferretdb binary already available: the configured one, one on PATH, or the cached build. */
export function findFerretdb(configured?: string, log: (line: string) => void = () => undefined): string | undefined {
  const candidates = configured ? [configured] : [findOnPath('ferretdb'), cachedFerretdbPath()];
  for (const candidate of candidates) {
    if (!candidate || !existsSync(candidate)) continue;
    if (runs(candidate)) return candidate;
    log(`Ignoring ${candidate}: it does not run (a FerretDB from a plain \`go install\` panics for lack of version.txt)`);
  }
  return undefined;
}

/**
 * Builds FerretDB from the Go module proxy into the cache.
 *
 * A plain `go install …/cmd/ferretdb@v1.24.2` produces a binary that panics at start: the published module lacks
 * the generated build/version/version.txt that FerretDB's own build writes. So we download the module with
 * `go mod download`, copy it to a temporary folder outside the repository, write that one file, and build there.
 */
export async function buildFerretdb(log: (line: string) => void): Promise<string> {
  const go = findOnPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) throw new Error('Go is not installed, so FerretDB cannot be built');
  const target = cachedFerretdbPath();
  log(`Building FerretDB ${FERRETDB_VERSION} with ${go} into ${target} (once per machine; about two minutes on two cores)…`);
  const started = Date.now();
  let phase = 'downloading the FerretDB module from the Go module proxy';
  // A first start that talks: without this, the terminal shows nothing for minutes.
  const ticker = setInterval(() => log(`  FerretDB build: ${Math.round((Date.now() - started) / 1000)} s elapsed, ${phase}…`), 10000);
  try {
    return await buildInto(go, target, log, (next) => (phase = next), started);
  } finally {
    clearInterval(ticker);
  }
}

async function buildInto(
  go: string,
  target: string,
  log: (line: string) => void,
  setPhase: (phase: string) => void,
  started: number,
): Promise<string> {
  const { stdout } = await run(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    maxBuffer: 10 * 1024 * 1024,
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new Error(`go mod download did not report a folder for ${FERRETDB_MODULE}`);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'ferretdb-build-'));
  try {
    const sourceDir = path.join(workDir, 'src');
    cpSync(moduleDir, sourceDir, { recursive: true });
    chmodSync(sourceDir, 0o755);
    await run('chmod', ['-R', 'u+w', sourceDir]);
    writeFileSync(path.join(sourceDir, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    mkdirSync(path.dirname(target), { recursive: true });
    setPhase('downloading its dependencies and compiling (go build)');
    const partial = `${target}.partial`;
    await run(go, ['build', '-trimpath', '-buildvcs=false', '-o', partial, './cmd/ferretdb'], {
      cwd: sourceDir,
      maxBuffer: 10 * 1024 * 1024,
    });
    renameSync(partial, target);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  log(`FerretDB ${FERRETDB_VERSION} built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  return target;
}
