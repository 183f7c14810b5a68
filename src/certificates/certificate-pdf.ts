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
  /** The Open Badges credential (compact JWS), attached to the PDF as an associated file; omitted only in tests. */
  credentialJwt?: string;
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

/** Where a line goes in the structure tree (reading order = drawing order), and as what. */
type Tagging = { parent: PDFKit.PDFStructureElement; tag?: string };

const LANG_OF_SCRIPT: Record<string, string | undefined> = { cjk: 'zh-Hans', arabic: 'ar' };

/**
 * Draws one line of mixed scripts on a common baseline, each run in a font that has its glyphs, in visual order.
 * Too wide: the size shrinks down to minSize. Centred unless x is given. Returns the width drawn.
 *
 * Tagged: the line is one structure element (P unless told), each run a Span with the language of its script. A line
 * with right-to-left text also carries its logical text as ActualText, since its runs are drawn in visual order.
 */
function drawLine(doc: PDFKit.PDFDocument, fonts: FontSet, text: string, line: Line, tagging: Tagging): number {
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
  const element = doc.struct(tagging.tag ?? 'P', runs.some((run) => run.script === 'arabic') ? { actual: text.normalize('NFC') } : {});
  tagging.parent.add(element);
  doc.fillColor(line.colour ?? COLOURS.text);
  let span: { script: string; element: PDFKit.PDFStructureElement } | undefined;
  runs.forEach((run, index) => {
    const content = doc.markStructureContent('Span');
    doc
      .font(`${run.script}-${weight}`)
      .fontSize(size)
      .text(run.text, x, line.y, { lineBreak: false, baseline: 'alphabetic', ...optionsFor(run.script) });
    doc.endMarkedContent();
    // Neighbouring runs of one script share a Span (runs are words: the bidi algorithm splits at spaces).
    if (span?.script !== run.script) {
      const lang = LANG_OF_SCRIPT[run.script];
      span = { script: run.script, element: doc.struct('Span', lang ? { lang } : {}) };
      element.add(span.element);
    }
    span.element.add(content);
    x += widths[index] ?? 0;
  });
  element.end();
  return total();
}

/** Decoration (frames, rules): marked as an artifact, so assistive technology skips it. */
function artifact(doc: PDFKit.PDFDocument, draw: () => void): void {
  doc.markContent('Artifact', { type: 'Layout' });
  draw();
  doc.endMarkedContent();
}

/** The QR code as filled vector squares (crisp at any print size), horizontal runs merged into one rectangle. */
function drawQr(doc: PDFKit.PDFDocument, url: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  doc
    .save()
    .translate(x, y)
    .scale(size / count);
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
  const root = doc.struct('Document');
  doc.addStructure(root);
  const p = { parent: root };
  artifact(doc, () => {
    doc
      .lineWidth(2)
      .strokeColor(COLOURS.brand)
      .rect(18, 18, PAGE.width - 36, PAGE.height - 36)
      .stroke();
    doc
      .lineWidth(0.75)
      .rect(26, 26, PAGE.width - 52, PAGE.height - 52)
      .stroke();
  });

  drawLine(doc, fonts, input.programme, { y: 68, size: 13, colour: COLOURS.muted }, p);
  drawLine(doc, fonts, input.issuer, { y: 88, size: 11, colour: COLOURS.muted }, p);
  drawLine(
    doc,
    fonts,
    en('certificates.pdf.heading'),
    { y: 140, size: 32, weight: 'bold', colour: COLOURS.brand },
    { parent: root, tag: 'H1' },
  );
  drawLine(doc, fonts, zh('certificates.pdf.heading'), { y: 176, size: 22, weight: 'bold', colour: COLOURS.brand }, p);
  drawLine(
    doc,
    fonts,
    `${en('certificates.pdf.certifies')}  ·  ${zh('certificates.pdf.certifies')}`,
    { y: 222, size: 12, colour: COLOURS.muted },
    p,
  );
  drawLine(doc, fonts, input.holderName, { y: 264, size: 30, weight: 'bold', minSize: 12, maxWidth: 700 }, p);
  artifact(doc, () =>
    doc
      .lineWidth(0.75)
      .strokeColor(COLOURS.muted)
      .moveTo(CENTRE - 220, 280)
      .lineTo(CENTRE + 220, 280)
      .stroke(),
  );
  drawLine(
    doc,
    fonts,
    `${en('certificates.pdf.completed')}  ·  ${zh('certificates.pdf.completed')}`,
    { y: 306, size: 12, colour: COLOURS.muted },
    p,
  );
  drawLine(doc, fonts, input.courseTitle.en, { y: 334, size: 19, weight: 'bold', minSize: 9, maxWidth: 720 }, p);
  drawLine(doc, fonts, input.courseTitle.zh, { y: 360, size: 17, weight: 'bold', minSize: 9, maxWidth: 720 }, p);
  const version = { version: input.courseVersion };
  drawLine(
    doc,
    fonts,
    `${en('certificates.pdf.version', version)}  ·  ${zh('certificates.pdf.version', version)}`,
    { y: 382, size: 10, colour: COLOURS.muted },
    p,
  );
  const dates = `${en('certificates.pdf.completedOn', { date: formatDate(input.completedAt, 'en') })}  ·  ${zh('certificates.pdf.completedOn', { date: formatDate(input.completedAt, 'zh-CN') })}`;
  drawLine(doc, fonts, dates, { y: 408, size: 12 }, p);

  const left = 60;
  const code = formatCode(input.code);
  drawLine(
    doc,
    fonts,
    `${en('certificates.pdf.serial')} / ${zh('certificates.pdf.serial')}:  ${input.serial}`,
    { x: left, y: 452, size: 10.5 },
    p,
  );
  drawLine(
    doc,
    fonts,
    `${en('certificates.pdf.code')} / ${zh('certificates.pdf.code')}:  ${code}`,
    { x: left, y: 470, size: 10.5, weight: 'bold' },
    p,
  );
  const link = doc.struct('Link');
  root.add(link);
  const urlWidth = drawLine(
    doc,
    fonts,
    input.verifyUrl,
    { x: left, y: 488, size: 10.5, colour: COLOURS.brand, maxWidth: 560 },
    { parent: link, tag: 'Span' },
  );
  doc.link(left, 476, urlWidth, 16, input.verifyUrl, { structParent: link, Contents: input.verifyUrl } as PDFKit.Mixins.AnnotationOption);
  link.end();
  doc.fillColor(COLOURS.muted);
  doc
    .font('latin-regular')
    .fontSize(9)
    .text(en('certificates.pdf.howTo'), left, 500, { width: 580, lineGap: 1, structParent: root, structType: 'P' });
  const howToZh = doc.struct('P', { lang: 'zh-Hans' });
  root.add(howToZh);
  const howToZhContent = doc.markStructureContent('P');
  doc
    .font('cjk-regular')
    .fontSize(9)
    .text(zh('certificates.pdf.howTo'), left, doc.y + 2, { width: 580, lineGap: 1 });
  doc.endMarkedContent();
  howToZh.add(howToZhContent);
  howToZh.end();

  // At least four modules of white around the code (the QR quiet zone), including above its label.
  const qrSize = 110;
  const qrX = PAGE.width - 60 - qrSize;
  // PDFKit supports bbox and placement (a Layout attribute); its type definitions lag behind.
  const figureOptions = { alt: `QR code: ${input.verifyUrl}`, bbox: [qrX, 428, qrX + qrSize, 428 + qrSize], placement: 'Block' };
  const figure = doc.struct('Figure', figureOptions);
  root.add(figure);
  const qrContent = doc.markStructureContent('Figure');
  drawQr(doc, input.verifyUrl, qrX, 428, qrSize);
  doc.endMarkedContent();
  figure.add(qrContent);
  figure.end();
  drawLine(
    doc,
    fonts,
    `${en('certificates.pdf.scan')} · ${zh('certificates.pdf.scan')}`,
    { x: qrX, y: 562, size: 8, colour: COLOURS.muted, maxWidth: qrSize },
    p,
  );
  root.end();
}

const xml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const xmpDate = (value: Date) => `${value.toISOString().split('.')[0]}Z`;

/**
 * XMP metadata equal to the document information dictionary, as PDF/A requires (PDFKit's own writer leaves out the
 * modification date and does not escape XML, which a name such as "Ben & Jerry" would break).
 */
function xmpInfo(info: {
  Title: string;
  Author: string;
  Subject: string;
  Keywords: string;
  Creator: string;
  Producer: string;
  CreationDate: Date;
  ModDate: Date;
}): string {
  return `
        <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
            <xmp:CreateDate>${xmpDate(info.CreationDate)}</xmp:CreateDate>
            <xmp:ModifyDate>${xmpDate(info.ModDate)}</xmp:ModifyDate>
            <xmp:MetadataDate>${xmpDate(info.ModDate)}</xmp:MetadataDate>
            <xmp:CreatorTool>${xml(info.Creator)}</xmp:CreatorTool>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <dc:format>application/pdf</dc:format>
            <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xml(info.Title)}</rdf:li></rdf:Alt></dc:title>
            <dc:creator><rdf:Seq><rdf:li>${xml(info.Author)}</rdf:li></rdf:Seq></dc:creator>
            <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xml(info.Subject)}</rdf:li></rdf:Alt></dc:description>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
            <pdf:Producer>${xml(info.Producer)}</pdf:Producer>
            <pdf:Keywords>${xml(info.Keywords)}</pdf:Keywords>
        </rdf:Description>
        `;
}

/**
 * The certificate as a one-page A4 landscape PDF/A-3b: tagged (structure tree in reading order, /Lang, artifacts),
 * fonts embedded, XMP metadata, and the Open Badges credential attached as an associated file (PDF/A-3 allows
 * exactly this), so the file proves itself offline. Deterministic: every date in it is the issue date, and PDFKit
 * derives the document ID from the metadata, so the same record always gives the same bytes (and SHA-256).
 */
export function renderCertificatePdf(input: CertificatePdfInput): Promise<Buffer> {
  const fonts = certificateFonts();
  const en = translator('en');
  const zh = translator('zh-CN');
  const issuedAt = new Date(input.issuedAt);
  const info = {
    Title: `${en('certificates.pdf.heading')} · ${input.holderName} · ${input.courseTitle.en}`,
    Author: input.issuer,
    Subject: `${input.courseTitle.en} / ${input.courseTitle.zh}`,
    Keywords: `${formatCode(input.code)} ${input.serial} certificate verification`,
    Creator: input.issuer,
    Producer: 'Procurement Academy',
    CreationDate: issuedAt,
    ModDate: issuedAt,
  };
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    // No default Helvetica: it would be parsed for every document and never used (and PDF/A needs embedded fonts).
    font: null as unknown as string,
    pdfVersion: '1.7',
    subset: 'PDF/A-3b',
    tagged: true,
    lang: 'en',
    displayTitle: true,
    info,
  });
  // Replaces PDFKit's XMP writer for this document (see xmpInfo); it runs when the document ends.
  (doc as unknown as { _addInfo: () => void })._addInfo = () => doc.appendXML(xmpInfo(info));
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
  if (input.credentialJwt) {
    // An associated file (/AF, /AFRelationship) with its MIME type and fixed dates; `relationship` is missing from
    // PDFKit's type definitions.
    const attachment = {
      name: `${input.serial}-credential.jwt`,
      type: 'application/jwt',
      relationship: 'Supplement',
      description: 'Open Badges 3.0 credential of this certificate (JWT, RS256) / 本证书的 Open Badges 3.0 数字凭证',
      creationDate: issuedAt,
      modifiedDate: issuedAt,
    };
    doc.file(Buffer.from(input.credentialJwt, 'ascii'), attachment);
  }
  doc.end();
  return done;
}
