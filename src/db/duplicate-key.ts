/**
 * True when a unique index refused a second copy of a fact: MongoDB's E11000, or, for an update that would
 * collide, FerretDB 1.24's passed-through PostgreSQL unique violation (SQLSTATE 23505, without code 11000).
 */
export function isDuplicateKey(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 11000 || (typeof message === 'string' && message.includes('(SQLSTATE 23505)'));
}

/** True when every write error of an unordered bulk insert is a duplicate key (the rest went in). */
export function onlyDuplicateKeys(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.length > 0 && list.every(isDuplicateKey);
}
