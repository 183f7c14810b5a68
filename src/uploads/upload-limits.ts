const MB = 1024 * 1024;

/**
 * Upload limits. Files are held in memory (Multer memory storage) until they are checked, so these numbers also
 * bound the memory one request can take: files × bytes per file.
 */
export const uploadLimits = Object.freeze({
  /** Images (PNG, JPEG, WebP) and PDF attachments, per file. */
  assetFileBytes: 5 * MB,
  /** Files in one asset upload. */
  assetFiles: 10,
  /** All files of one asset upload together. */
  assetRequestBytes: 25 * MB,
  /** A course zip, as uploaded. */
  zipFileBytes: 20 * MB,
  /** Entries in a course zip (files and folders). */
  zipEntries: 500,
  /** Bytes of one entry once inflated, counted while inflating. */
  zipEntryBytes: 20 * MB,
  /** Bytes of all entries once inflated, counted while inflating. */
  zipTotalBytes: 60 * MB,
});

export function megabytes(bytes: number): number {
  return Math.round((bytes / MB) * 10) / 10;
}
