/** Builders and readers shared by the certificates test files: learners, PDF text, the QR code drawn in a PDF. */
import { spawn } from 'node:child_process';
import type { Stream } from 'node:stream';
import { inflateSync } from 'node:zlib';
import jsQR from 'jsqr';

/** Reads a PDF's text with pdf-parse (pdf.js). In a child process: pdf.js loads ES modules, which Jest's CommonJS runtime cannot. */
export function pdfText(pdf: Buffer): Promise<string> {
  const script = `
    const { PDFParse } = require('pdf-parse');
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c)).on('end', async () => {
      const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
      const result = await parser.getText();
      await parser.destroy();
      process.stdout.write(result.text);
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(Buffer.concat(err).toString())),
    );
    child.stdin.end(pdf);
  });
}

type Matrix = [number, number, number, number, number, number];
type Box = { x0: number; y0: number; x1: number; y1: number };

const multiply = (m: Matrix, ctm: Matrix): Matrix => [
  m[0] * ctm[0] + m[1] * ctm[2],
  m[0] * ctm[1] + m[1] * ctm[3],
  m[2] * ctm[0] + m[3] * ctm[2],
  m[2] * ctm[1] + m[3] * ctm[3],
  m[4] * ctm[0] + m[5] * ctm[2] + ctm[4],
  m[4] * ctm[1] + m[5] * ctm[3] + ctm[5],
];

/** Every rectangle a page's content streams fill, in page coordinates (a tiny content-stream interpreter). */
export function filledRectangles(pdf: Buffer): Box[] {
  const text = pdf.toString('latin1');
  const boxes: Box[] = [];
  for (const match of text.matchAll(/stream\r?\n/g)) {
    const start = match.index + match[0].length;
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, text.indexOf('endstream', start))).toString('latin1');
    } catch {
      continue;
    }
    if (!/\bre\b/.test(content)) continue;
    let ctm: Matrix = [1, 0, 0, 1, 0, 0];
    const stack: Matrix[] = [];
    let operands: number[] = [];
    let path: Box[] = [];
    for (const token of content.matchAll(/\((?:\\.|[^\\)])*\)|<[^>]*>|\[[^\]]*\]|-?\d*\.?\d+|[A-Za-z*'"]+/g)) {
      const value = token[0];
      if (/^-?\d*\.?\d+$/.test(value)) {
        operands.push(Number(value));
        continue;
      }
      if (value === 'q') stack.push(ctm);
      else if (value === 'Q') ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
      else if (value === 'cm' && operands.length >= 6) ctm = multiply(operands.slice(-6) as Matrix, ctm);
      else if (value === 're' && operands.length >= 4) {
        const [x, y, w, h] = operands.slice(-4) as [number, number, number, number];
        const corners = [
          [x, y],
          [x + w, y + h],
        ].map(([px, py]) => [ctm[0] * px! + ctm[2] * py! + ctm[4], ctm[1] * px! + ctm[3] * py! + ctm[5]] as const);
        path.push({
          x0: Math.min(corners[0]![0], corners[1]![0]),
          y0: Math.min(corners[0]![1], corners[1]![1]),
          x1: Math.max(corners[0]![0], corners[1]![0]),
          y1: Math.max(corners[0]![1], corners[1]![1]),
        });
      } else if (value === 'f' || value === 'f*' || value === 'B' || value === 'b') {
        boxes.push(...path);
        path = [];
      } else if (value === 'S' || value === 's' || value === 'n') path = [];
      operands = [];
    }
  }
  return boxes;
}

/** Rasterises the filled rectangles (the QR code is the only filled shape on a certificate) and decodes them. */
export function decodeQrInPdf(pdf: Buffer, pixelsPerPoint = 4): string | null {
  const boxes = filledRectangles(pdf);
  if (!boxes.length) return null;
  const margin = 16;
  const left = Math.min(...boxes.map((b) => b.x0)) - margin;
  const top = Math.max(...boxes.map((b) => b.y1)) + margin;
  const width = Math.ceil((Math.max(...boxes.map((b) => b.x1)) + margin - left) * pixelsPerPoint);
  const height = Math.ceil((top - Math.min(...boxes.map((b) => b.y0)) + margin) * pixelsPerPoint);
  const pixels = new Uint8ClampedArray(width * height * 4).fill(255);
  for (const box of boxes) {
    // Page y grows upwards; image rows grow downwards.
    for (let row = Math.round((top - box.y1) * pixelsPerPoint); row < Math.round((top - box.y0) * pixelsPerPoint); row += 1) {
      for (let col = Math.round((box.x0 - left) * pixelsPerPoint); col < Math.round((box.x1 - left) * pixelsPerPoint); col += 1) {
        const offset = (row * width + col) * 4;
        pixels[offset] = pixels[offset + 1] = pixels[offset + 2] = 0;
      }
    }
  }
  return jsQR(pixels, width, height)?.data ?? null;
}

/** Supertest parser that keeps a binary body as a Buffer. */
export function binary(res: Stream, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}
