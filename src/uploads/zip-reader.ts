import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { UploadRejected } from './upload.middleware';
import { megabytes } from './upload-limits';

export type ZipFileEntry = { path: string; data: Buffer };
export type ZipLimits = { maxEntries: number; maxEntryBytes: number; maxTotalBytes: number };

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * A relative path that stays where it is unpacked: no absolute paths or drive letters, no `..` or `.` segments,
 * no backslashes (a separator on Windows), no control characters.
 */
export function isSafeEntryPath(name: string): boolean {
  if (name.length === 0 || name.length > 300) return false;
  if (/[\p{Cc}\\:]/u.test(name) || name.startsWith('/')) return false;
  const parts = name.replace(/\/$/, '').split('/');
  return parts.every((part) => part !== '' && part !== '.' && part !== '..');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function openZip(buffer: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings off: names are checked here, with messages of our own, instead of failing inside yauzl.
    yauzl.fromBuffer(buffer, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (error, zip) => {
      if (error || !zip) reject(new UploadRejected(422, 'uploads.zip.corrupt'));
      else resolve(zip);
    });
  });
}

function nameOf(entry: Entry): string {
  try {
    return utf8.decode(entry.fileName as unknown as Buffer);
  } catch {
    throw new UploadRejected(422, 'uploads.zip.badName');
  }
}

/** Checks what the entry claims to be before a byte of it is inflated. */
function checkEntry(entry: Entry, name: string): void {
  if (!isSafeEntryPath(name)) throw new UploadRejected(422, 'uploads.zip.unsafePath', { name: name.slice(0, 120) });
  // The high 16 bits of the external attributes hold the Unix mode when the archive was made on Unix.
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type === S_IFLNK) throw new UploadRejected(422, 'uploads.zip.symlink', { name });
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw new UploadRejected(422, 'uploads.zip.specialFile', { name });
  if (entry.isEncrypted()) throw new UploadRejected(422, 'uploads.zip.encrypted', { name });
}

/**
 * Inflates one entry, counting the bytes as they come: declared sizes are only a first, cheap refusal, since a zip
 * bomb can declare anything. Stops as soon as a limit is passed.
 */
function inflate(zip: ZipFile, entry: Entry, limits: ZipLimits, totalSoFar: number): Promise<Buffer> {
  const tooLarge = () => new UploadRejected(422, 'uploads.zip.tooLarge', { max: megabytes(limits.maxTotalBytes) });
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) {
        reject(new UploadRejected(422, 'uploads.zip.corrupt'));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      const fail = (rejection: UploadRejected) => {
        if (failed) return;
        failed = true;
        stream.destroy();
        reject(rejection);
      };
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxEntryBytes || totalSoFar + size > limits.maxTotalBytes) fail(tooLarge());
        else chunks.push(chunk);
      });
      // yauzl's own size check fails the stream when an entry inflates to more than its header says.
      stream.on('error', (streamError: Error) =>
        fail(/too many bytes/i.test(streamError.message) ? tooLarge() : new UploadRejected(422, 'uploads.zip.corrupt')),
      );
      stream.on('end', () => {
        if (!failed) resolve(Buffer.concat(chunks, size));
      });
    });
  });
}

/**
 * Reads every file of a zip into memory, refusing unsafe paths, symbolic links and other special files, encrypted
 * entries, duplicate names, too many entries and too many inflated bytes. Folders are checked, not returned.
 * Nothing touches the disk: the caller decides where, and whether, the files are written.
 */
export async function readZipSafely(buffer: Buffer, limits: ZipLimits): Promise<ZipFileEntry[]> {
  const zip = await openZip(buffer);
  try {
    if (zip.entryCount > limits.maxEntries) throw new UploadRejected(422, 'uploads.zip.tooManyEntries', { max: limits.maxEntries });
    const files: ZipFileEntry[] = [];
    const seen = new Set<string>();
    let total = 0;
    let declared = 0;
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      const name = nameOf(entry);
      checkEntry(entry, name);
      if (seen.has(name)) throw new UploadRejected(422, 'uploads.zip.duplicate', { name });
      seen.add(name);
      if (name.endsWith('/')) continue;
      declared += entry.uncompressedSize;
      if (entry.uncompressedSize > limits.maxEntryBytes || declared > limits.maxTotalBytes) {
        throw new UploadRejected(422, 'uploads.zip.tooLarge', { max: megabytes(limits.maxTotalBytes) });
      }
      const data = await inflate(zip, entry, limits, total);
      total += data.length;
      files.push({ path: name, data });
    }
    return files;
  } finally {
    zip.close();
  }
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
    };
    const onEntry = (entry: Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(undefined));
    const onError = () => (cleanup(), reject(new UploadRejected(422, 'uploads.zip.corrupt')));
    zip.once('entry', onEntry);
    zip.once('end', onEnd);
    zip.once('error', onError);
    zip.readEntry();
  });
}
