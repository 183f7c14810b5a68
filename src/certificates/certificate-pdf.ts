import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { translator, type Translate } from '../i18n/i18n';
import { formatCode } from './certificate-code';
import { certificateFonts, splitRuns, visualOrder, type FontSet, type Weight } from './certificate-fonts';
import { formatDate } from './certificate-format';
import type { Bilingual } from './certificate.model';

/** What a certificate PDF shows; all of it comes from the stored record, so the same record gives the same bytes. */
export type CertificatePdfInput = {
  serial: string;
  code: string;
  holderName: string;
  courseTitle: Bilingual;
  courseVersion: number;
  completedAt: Date;
  issuedAt: Date;
  issuer: string;
  programme: string;
  verifyUrl: string;
};

const PAGE = { width: 841.89, height: 595.28 };
const COLOURS = { brand: '#0b4f8a', text: '#1d2733', muted: '#4a5563' };
const CENTRE = PAGE.width / 2;

/**
 * Latin runs keep precomposed letters (ccmp off): decomposed, "ị" would share the glyph of "i" and text extraction
 * and search would read "Thi" for "Thị" (PDF maps each glyph to one character).
 */
const optionsFor = (script: string): PDFKit.Mixins.TextOptions =>
  script === 'latin' ? { features: { ccmp: false } as unknown as PDFKit.Mixins.OpenTypeFeatures[] } : {};

type Line = { y: number; size: number; weight?: Weight; colour?: string; maxWidth?: number; minSize?: number; x?: number };

/**
 * Draws one line of mixed scripts on a common baseline, each run in a font that has its glyphs, in visual order.
 * Too wide: the size shrinks down to minSize. Centred unless x is given. Returns the width drawn.
 */
function drawLine(doc: PDFKit.PDFDocument, fonts: FontSet, text: string, line: Line): number {
  const weight = line.weight ?? 'regular';
  const runs = visualOrder(splitRuns(text, fonts));
  const measure = (size: number) =>
    runs.map((run) => doc.font(`${run.script}-${weight}`).fontSize(size).widthOfString(run.text, optionsFor(run.script)));
  let size = line.size;
  let widths = measure(size);
  const total = () => widths.reduce((sum, width) => sum + width, 0);
  const maxWidth = line.maxWidth ?? PAGE.width - 120;
  if (total() > maxWidth) {
    size = Math.max(line.minSize ?? 8, Math.floor(((size * maxWidth) / total()) * 10) / 10);
    widths = measure(size);
  }
  let x = line.x ?? CENTRE - total() / 2;
  doc.fillColor(line.colour ?? COLOURS.text);
  runs.forEach((run, index) => {
    doc.font(`${run.script}-${weight}`).fontSize(size).text(run.text, x, line.y, { lineBreak: false, baseline: 'alphabetic', ...optionsFor(run.script) });
    x += widths[index] ?? 0;
  });
  return total();
}

/** The QR code as filled vector squares (crisp at any print size), horizontal runs merged into one rectangle. */
function drawQr(doc: PDFKit.PDFDocument, url: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  doc.save().translate(x, y).scale(size / count);
  for (let row = 0; row < count; row += 1) {
    let col = 0;
    while (col < count) {
      if (!qr.modules.get(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < count && qr.modules.get(row, col)) col += 1;
      doc.rect(start, row, col - start, 1);
    }
  }
  doc.fill('#000000').restore();
}

function drawBody(doc: PDFKit.PDFDocument, fonts: FontSet, input: CertificatePdfInput, en: Translate, zh: Translate): void {
  doc.lineWidth(2).strokeColor(COLOURS.brand).rect(18, 18, PAGE.width - 36, PAGE.height - 36).stroke();
  doc.lineWidth(0.75).rect(26, 26, PAGE.width - 52, PAGE.height - 52).stroke();

  drawLine(doc, fonts, input.programme, { y: 68, size: 13, colour: COLOURS.muted });
  drawLine(doc, fonts, input.issuer, { y: 88, size: 11, colour: COLOURS.muted });
  drawLine(doc, fonts, en('certificates.pdf.heading'), { y: 140, size: 32, weight: 'bold', colour: COLOURS.brand });
  drawLine(doc, fonts, zh('certificates.pdf.heading'), { y: 176, size: 22, weight: 'bold', colour: COLOURS.brand });
  drawLine(doc, fonts, `${en('certificates.pdf.certifies')}  ·  ${zh('certificates.pdf.certifies')}`, { y: 222, size: 12, colour: COLOURS.muted });
  drawLine(doc, fonts, input.holderName, { y: 264, size: 30, weight: 'bold', minSize: 12, maxWidth: 700 });
  doc.lineWidth(0.75).strokeColor(COLOURS.muted).moveTo(CENTRE - 220, 280).lineTo(CENTRE + 220, 280).stroke();
  drawLine(doc, fonts, `${en('certificates.pdf.completed')}  ·  ${zh('certificates.pdf.completed')}`, { y: 306, size: 12, colour: COLOURS.muted });
  drawLine(doc, fonts, input.courseTitle.en, { y: 334, size: 19, weight: 'bold', minSize: 9, maxWidth: 720 });
  drawLine(doc, fonts, input.courseTitle.zh, { y: 360, size: 17, weight: 'bold', minSize: 9, maxWidth: 720 });
  const version = { version: input.courseVersion };
  drawLine(doc, fonts, `${en('certificates.pdf.version', version)}  ·  ${zh('certificates.pdf.version', version)}`, { y: 382, size: 10, colour: COLOURS.muted });
  const dates = `${en('certificates.pdf.completedOn', { date: formatDate(input.completedAt, 'en') })}  ·  ${zh('certificates.pdf.completedOn', { date: formatDate(input.completedAt, 'zh-CN') })}`;
  drawLine(doc, fonts, dates, { y: 408, size: 12 });

  const left = 60;
  const code = formatCode(input.code);
  drawLine(doc, fonts, `${en('certificates.pdf.serial')} / ${zh('certificates.pdf.serial')}:  ${input.serial}`, { x: left, y: 452, size: 10.5 });
  drawLine(doc, fonts, `${en('certificates.pdf.code')} / ${zh('certificates.pdf.code')}:  ${code}`, { x: left, y: 470, size: 10.5, weight: 'bold' });
  const urlWidth = drawLine(doc, fonts, input.verifyUrl, { x: left, y: 488, size: 10.5, colour: COLOURS.brand, maxWidth: 560 });
  doc.link(left, 476, urlWidth, 16, input.verifyUrl);
  doc.fillColor(COLOURS.muted);
  doc.font('latin-regular').fontSize(9).text(en('certificates.pdf.howTo'), left, 500, { width: 580, lineGap: 1 });
  doc.font('cjk-regular').fontSize(9).text(zh('certificates.pdf.howTo'), left, doc.y + 2, { width: 580, lineGap: 1 });

  // At least four modules of white around the code (the QR quiet zone), including above its label.
  const qrSize = 110;
  const qrX = PAGE.width - 60 - qrSize;
  drawQr(doc, input.verifyUrl, qrX, 428, qrSize);
  drawLine(doc, fonts, `${en('certificates.pdf.scan')} · ${zh('certificates.pdf.scan')}`, { x: qrX, y: 562, size: 8, colour: COLOURS.muted, maxWidth: qrSize });
}

/**
 * The certificate as a one-page A4 landscape PDF. Deterministic: the dates in the metadata are the issue date, and
 * PDFKit derives the document ID from the metadata, so the same record always gives the same bytes (and SHA-256).
 */
export function renderCertificatePdf(input: CertificatePdfInput): Promise<Buffer> {
  const fonts = certificateFonts();
  const en = translator('en');
  const zh = translator('zh-CN');
  const issuedAt = new Date(input.issuedAt);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    // No default Helvetica: it would be parsed for every document and never used.
    font: null as unknown as string,
    lang: 'en',
    displayTitle: true,
    info: {
      Title: `${en('certificates.pdf.heading')} · ${input.holderName} · ${input.courseTitle.en}`,
      Author: input.issuer,
      Subject: `${input.courseTitle.en} / ${input.courseTitle.zh}`,
      Keywords: `${formatCode(input.code)} ${input.serial} certificate verification`,
      Creator: input.issuer,
      Producer: 'Procurement Academy',
      CreationDate: issuedAt,
      ModDate: issuedAt,
    },
  });
  for (const script of ['latin', 'cjk', 'arabic'] as const) {
    for (const weight of ['regular', 'bold'] as const) doc.registerFont(`${script}-${weight}`, fonts[script][weight] as unknown as string);
  }
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  drawBody(doc, fonts, input, en, zh);
  doc.end();
  return done;
}
