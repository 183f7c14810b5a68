import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where uploaded bytes live. Keys are generated here and are the only names the bytes ever have: a file name
 * chosen by a user is never part of a path. The disk implementation is the default; a GridFS or S3 one only has to
 * honour these three methods (and the key format) to replace it.
 */
export interface UploadStorage {
  /** Stores the bytes under a new key and returns it; nothing is left behind when it fails. */
  put(data: Buffer): Promise<string>;
  /** The bytes of a key, or undefined when there is no such object. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes an object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
}

const KEY = /^[a-f0-9]{32}$/;

export function isStorageKey(value: unknown): value is string {
  return typeof value === 'string' && KEY.test(value);
}

/** Files under `root` (DATA_DIR/uploads), fanned out by the key's first two characters. */
export class DiskStorage implements UploadStorage {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    if (!isStorageKey(key)) throw new Error('invalid storage key');
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(data: Buffer): Promise<string> {
    const key = randomBytes(16).toString('hex');
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Written under a temporary name, then renamed: a reader never sees half a file, and a failed write leaves none.
    const temporary = `${target}.part`;
    try {
      await writeFile(temporary, data, { flag: 'wx', mode: 0o600 });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return key;
  }

  async get(key: string): Promise<Buffer | undefined> {
    if (!isStorageKey(key)) return undefined;
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    if (!isStorageKey(key)) return;
    await rm(this.pathOf(key), { force: true });
  }
}
