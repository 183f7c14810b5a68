import { randomInt } from 'node:crypto';

/**
 * Verification codes: 20 Crockford base32 symbols shown as `XXXX-XXXX-XXXX-XXXX-XXXX`.
 *
 * The first 19 symbols are random (95 bits, from the CSPRNG); the 20th is a check symbol, so a mistyped code is
 * caught before any database lookup. Four groups of four could not hold 80 random bits plus a check symbol, hence
 * five groups.
 *
 * Check scheme (Damm's algorithm over the quasigroup x∘y = αx ⊕ y in GF(32), modulus x⁵+x²+1, α = x): run
 * c ← αc ⊕ d over the 19 data symbols, then the check symbol is αc, so running over all 20 symbols ends at 0.
 * Because α ≠ 0 and α ⊕ 1, α² ⊕ 1 ≠ 0, it detects every single-symbol substitution, every swap of two adjacent
 * symbols, every swap of symbols two apart and every twin error (xx → yy). Do not change it: printed codes depend on it.
 */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 20;
const DATA_LENGTH = CODE_LENGTH - 1;
const GROUP = 4;

const VALUE_OF = new Map([...CROCKFORD].map((symbol, index) => [symbol, index]));
// Crockford's decoding rules: O reads as 0, I and L as 1. U is not a symbol.
const CONFUSABLES: Record<string, string> = { O: '0', I: '1', L: '1' };

function timesAlpha(value: number): number {
  const shifted = value << 1;
  return shifted & 0b100000 ? shifted ^ 0b100101 : shifted;
}

function runDamm(values: number[]): number {
  let interim = 0;
  for (const value of values) interim = timesAlpha(interim) ^ value;
  return interim;
}

/** The check symbol for 19 data symbols. */
export function checkSymbol(data: string): string {
  const values = [...data].map((symbol) => VALUE_OF.get(symbol));
  if (values.length !== DATA_LENGTH || values.some((value) => value === undefined))
    throw new Error('checkSymbol: 19 Crockford symbols expected');
  return CROCKFORD[timesAlpha(runDamm(values as number[]))] as string;
}

/** A new random code, without dashes. */
export function generateCode(): string {
  let data = '';
  for (let i = 0; i < DATA_LENGTH; i += 1) data += CROCKFORD[randomInt(32)];
  return data + checkSymbol(data);
}

/** `XXXX-XXXX-XXXX-XXXX-XXXX`. */
export function formatCode(code: string): string {
  return code.match(new RegExp(`.{1,${GROUP}}`, 'g'))?.join('-') ?? code;
}

export type ParsedCode = { ok: true; code: string } | { ok: false; reason: 'malformed' | 'typo' };

/**
 * Reads a code as a person may type it: any case, with or without dashes or spaces, full-width characters,
 * O for 0 and I or L for 1. Pure: never touches the database.
 */
export function parseCode(input: unknown): ParsedCode {
  if (typeof input !== 'string' || input.length > 100) return { ok: false, reason: 'malformed' };
  const cleaned = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—]/g, '')
    .replace(/[OIL]/g, (symbol) => CONFUSABLES[symbol] ?? symbol);
  if (cleaned.length !== CODE_LENGTH || [...cleaned].some((symbol) => !VALUE_OF.has(symbol))) return { ok: false, reason: 'malformed' };
  const values = [...cleaned].map((symbol) => VALUE_OF.get(symbol) as number);
  return runDamm(values) === 0 ? { ok: true, code: cleaned } : { ok: false, reason: 'typo' };
}

/** Finds a code-shaped token with a valid check symbol in free text (PDF metadata), or undefined. */
export function findCodeInText(text: string): string | undefined {
  const pattern = /[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}/g;
  for (const match of text.matchAll(pattern)) {
    const parsed = parseCode(match[0]);
    if (parsed.ok) return parsed.code;
  }
  return undefined;
}
