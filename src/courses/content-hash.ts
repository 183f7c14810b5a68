import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** sha256 of the canonical JSON of a value: the content hash of a module or a course. */
export function contentHashOf(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
