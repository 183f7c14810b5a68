import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';

/**
 * Fonts for certificates, all SIL Open Font License 1.1, embedded as subsets by PDFKit:
 * - Noto Sans (@embedpdf/fonts-latin): Latin incl. Vietnamese, Greek, Cyrillic;
 * - Noto Sans SC (@expo-google-fonts/noto-sans-sc): Chinese, kana. Its TrueType outlines subset in a few ms; the
 *   CFF-based Noto Sans Hans (@embedpdf/fonts-sc) took ~25 ms and ~45 KB per PDF because fontkit walks every one of
 *   its global subroutines for each subset;
 * - Noto Naskh Arabic (@embedpdf/fonts-arabic), shaped by fontkit.
 * Parsed once per process on first use (~0.5 s), then shared: PDFKit accepts an already parsed fontkit font.
 */
export type Script = 'latin' | 'cjk' | 'arabic';
export type Weight = 'regular' | 'bold';
export type FontSet = Record<Script, Record<Weight, fontkit.Font>>;

const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`, { paths: [__dirname] }));
const embedpdfDir = (name: string) => path.resolve(path.dirname(require.resolve(name, { paths: [__dirname] })), '..');

const FILES: Record<Script, Record<Weight, () => string>> = {
  latin: {
    regular: () => path.join(embedpdfDir('@embedpdf/fonts-latin'), 'fonts', 'NotoSans-Regular.ttf'),
    bold: () => path.join(embedpdfDir('@embedpdf/fonts-latin'), 'fonts', 'NotoSans-Bold.ttf'),
  },
  cjk: {
    regular: () => path.join(packageDir('@expo-google-fonts/noto-sans-sc'), '400Regular', 'NotoSansSC_400Regular.ttf'),
    bold: () => path.join(packageDir('@expo-google-fonts/noto-sans-sc'), '700Bold', 'NotoSansSC_700Bold.ttf'),
  },
  arabic: {
    regular: () => path.join(embedpdfDir('@embedpdf/fonts-arabic'), 'fonts', 'NotoNaskhArabic-Regular.ttf'),
    bold: () => path.join(embedpdfDir('@embedpdf/fonts-arabic'), 'fonts', 'NotoNaskhArabic-Bold.ttf'),
  },
};

let fonts: FontSet | undefined;

type Position = { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number };
type LaidOut = { glyphs: fontkit.Glyph[]; positions: Position[] };
const LAYOUT_CACHE_LIMIT = 5000;

/**
 * The font with a cross-document cache of shaped text: OpenType shaping (GSUB/GPOS) is most of the time PDFKit
 * spends, and certificates repeat the same strings. PDFKit scales the positions it gets in place, so every call
 * returns fresh position objects; glyphs are immutable and shared.
 */
function withLayoutCache(font: fontkit.Font): fontkit.Font {
  const cache = new Map<string, LaidOut>();
  const layout = (text: string, features?: unknown): unknown => {
    const key = `${JSON.stringify(features ?? null)}\u0000${text}`;
    let laidOut = cache.get(key);
    if (!laidOut) {
      const run = font.layout(text, features as string[] | Record<string, boolean> | undefined);
      laidOut = {
        glyphs: run.glyphs,
        positions: run.positions.map(({ xAdvance, yAdvance, xOffset, yOffset }) => ({ xAdvance, yAdvance, xOffset, yOffset })),
      };
      if (cache.size >= LAYOUT_CACHE_LIMIT) cache.clear();
      cache.set(key, laidOut);
    }
    const positions = laidOut.positions.map((position) => ({ ...position }));
    return {
      glyphs: laidOut.glyphs,
      positions,
      get advanceWidth() {
        return positions.reduce((sum, position) => sum + position.xAdvance, 0);
      },
    };
  };
  return new Proxy(font, { get: (target, property) => (property === 'layout' ? layout : Reflect.get(target, property, target)) });
}

function openFont(file: string): fontkit.Font {
  const font = fontkit.create(readFileSync(file));
  if (!('layout' in font)) throw new Error(`${file} is a font collection, not a font`);
  return withLayoutCache(font);
}

/** The parsed fonts, loaded on first use. */
export function certificateFonts(): FontSet {
  fonts ??= {
    latin: { regular: openFont(FILES.latin.regular()), bold: openFont(FILES.latin.bold()) },
    cjk: { regular: openFont(FILES.cjk.regular()), bold: openFont(FILES.cjk.bold()) },
    arabic: { regular: openFont(FILES.arabic.regular()), bold: openFont(FILES.arabic.bold()) },
  };
  return fonts;
}

export type Run = { text: string; script: Script };

const RTL_LETTER = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
const LTR_LETTER = /[\p{L}\p{N}]/u;

const scriptOfChar = new Map<string, Script>();

function scriptFor(char: string, set: FontSet): Script {
  let script = scriptOfChar.get(char);
  if (!script) {
    const codePoint = char.codePointAt(0) ?? 0;
    const order: Script[] = RTL_LETTER.test(char) ? ['arabic', 'latin', 'cjk'] : ['latin', 'cjk', 'arabic'];
    script = order.find((candidate) => set[candidate].regular.hasGlyphForCodePoint(codePoint)) ?? 'latin';
    if (scriptOfChar.size < 20_000) scriptOfChar.set(char, script);
  }
  return script;
}

/** Splits text into runs that one font can draw; combining marks stay with their base letter. */
export function splitRuns(text: string, set: FontSet): Run[] {
  const runs: Run[] = [];
  for (const char of text.normalize('NFC')) {
    const previous = runs[runs.length - 1];
    const script = previous && /\p{M}/u.test(char) ? previous.script : scriptFor(char, set);
    if (previous && previous.script === script) previous.text += char;
    else runs.push({ text: char, script });
  }
  return runs;
}

type Direction = 'ltr' | 'rtl' | 'neutral';
const directionOf = (text: string): Direction => (RTL_LETTER.test(text) ? 'rtl' : LTR_LETTER.test(text) ? 'ltr' : 'neutral');

/**
 * Puts runs in left-to-right drawing order for one line: a simplified Unicode bidi algorithm, enough for names and
 * titles. The paragraph takes the direction of its first strong letter; a neutral piece (spaces, punctuation) between
 * two pieces of one direction takes it, otherwise the paragraph's. Levels follow UAX #9 (left-to-right paragraph:
 * 0 and 1; right-to-left: 1 and 2) and rule L2 reverses every stretch at or above each level. Within a piece, fontkit
 * already returns right-to-left glyphs in visual order.
 */
export function visualOrder(runs: Run[]): Run[] {
  const pieces = runs.flatMap((run) =>
    run.text
      .split(/(\s+)/u)
      .filter(Boolean)
      .map((text) => ({ text, script: run.script })),
  );
  const strong = pieces.map((piece) => directionOf(piece.text));
  const base = strong.find((direction) => direction !== 'neutral') ?? 'ltr';
  const levels = strong.map((direction, index) => {
    let resolved = direction;
    if (resolved === 'neutral') {
      const before = strong
        .slice(0, index)
        .reverse()
        .find((other) => other !== 'neutral');
      const after = strong.slice(index + 1).find((other) => other !== 'neutral');
      resolved = before && before === after ? before : base;
    }
    if (base === 'ltr') return resolved === 'rtl' ? 1 : 0;
    return resolved === 'ltr' ? 2 : 1;
  });
  let ordered = pieces.map((piece, index) => ({ ...piece, level: levels[index] ?? 0 }));
  for (let level = Math.max(0, ...levels); level >= 1; level -= 1) {
    const next: typeof ordered = [];
    let stretch: typeof ordered = [];
    for (const piece of ordered) {
      if (piece.level >= level) stretch.push(piece);
      else {
        next.push(...stretch.reverse(), piece);
        stretch = [];
      }
    }
    ordered = [...next, ...stretch.reverse()];
  }
  return ordered.map(({ text, script }) => ({ text, script }));
}
