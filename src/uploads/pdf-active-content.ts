import { inflateSync } from 'node:zlib';

/**
 * Active content in an uploaded PDF: things a PDF reader may run or open by itself (JavaScript, launching a program,
 * embedded files, an action when the document opens). Course assets are shown to every learner, so a PDF carrying
 * any of them is refused. The check reads the raw file and every Flate-compressed stream (object streams can hide
 * dictionaries), with names' #xx escapes decoded (`/J#61vaScript` is `/JavaScript`). A destination as /OpenAction
 * (`[page /Fit]`, go to a page) is allowed; an action dictionary or a reference that does not resolve to an array is not.
 */
export type PdfActiveContent = 'JavaScript' | 'JS' | 'Launch' | 'EmbeddedFile' | 'OpenAction';

const MAX_INFLATED_BYTES = 32 * 1024 * 1024;
const DELIMITER = String.raw`(?=[\s()<>\[\]{}/%]|$)`;
const FORBIDDEN = new RegExp(String.raw`/(JavaScript|JS|Launch|EmbeddedFiles?)${DELIMITER}`);

/** Every part of the PDF as text: the file itself, then its inflated streams (bounded in total). */
function pdfTexts(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const texts = [raw];
  let budget = MAX_INFLATED_BYTES;
  const pattern = /stream\r?\n/g;
  for (let match = pattern.exec(raw); match && budget > 0; match = pattern.exec(raw)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    try {
      const inflated = inflateSync(pdf.subarray(start, end), { maxOutputLength: budget });
      budget -= inflated.length;
      texts.push(inflated.toString('latin1'));
    } catch {
      // not Flate, or damaged: its raw bytes were already searched
    }
    pattern.lastIndex = end;
  }
  return texts;
}

/** Decodes #xx escapes inside names, so escaped spellings match too. */
function decodeNames(text: string): string {
  return text.replace(/\/[^\s()<>[\]{}/%]*#[0-9A-Fa-f]{2}[^\s()<>[\]{}/%]*/g, (name) =>
    name.replace(/#([0-9A-Fa-f]{2})/g, (_hex, code: string) => String.fromCharCode(parseInt(code, 16))),
  );
}

/** True when an /OpenAction value is an action (a dictionary, or a reference to anything but an array). */
function hasOpenAction(text: string, all: string): boolean {
  for (const match of text.matchAll(new RegExp(String.raw`/OpenAction${DELIMITER}\s*`, 'g'))) {
    const rest = text.slice(match.index + match[0].length, match.index + match[0].length + 200);
    if (rest.startsWith('[')) continue;
    const reference = /^(\d+)\s+(\d+)\s+R/.exec(rest);
    if (reference) {
      const target = new RegExp(String.raw`(?:^|[^0-9])${reference[1]}\s+${reference[2]}\s+obj\s*(\S)`).exec(all);
      if (target?.[1] === '[') continue;
    }
    return true;
  }
  return false;
}

/** The first kind of active content found in the PDF, or undefined when there is none. */
export function findPdfActiveContent(pdf: Buffer): PdfActiveContent | undefined {
  const texts = pdfTexts(pdf).map(decodeNames);
  const all = texts.join('\n');
  for (const text of texts) {
    const found = FORBIDDEN.exec(text)?.[1];
    if (found) return found.startsWith('EmbeddedFile') ? 'EmbeddedFile' : (found as PdfActiveContent);
  }
  return texts.some((text) => hasOpenAction(text, all)) ? 'OpenAction' : undefined;
}
