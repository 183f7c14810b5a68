import PDFDocument from 'pdfkit';
import { certificateFonts } from '../certificates/certificate-fonts';
import { translator, type Translate } from '../i18n/i18n';
import type { ReadinessCheck } from './readiness-types';
import { buildResultView, type ResultSource } from './readiness.view';

export type PlanPdfInput = { check: ReadinessCheck; source: ResultSource; name?: string };

const MARGIN = 50;
const COLOURS = { brand: '#0b4f8a', text: '#1d2733', muted: '#4a5563' };

/**
 * The action plan as an A4 PDF: the whole plan in English, then the whole plan in Chinese, so each half reads as
 * one document and prints on its own. The certificate fonts are reused (embedded subsets of Noto Sans and Noto Sans
 * SC, already parsed once per process): English text is set in Noto Sans, Chinese in Noto Sans SC, which also has
 * Latin letters for the codes and figures inside Chinese text. Not tagged (unlike certificates): a working document
 * to print, with the document language set to English only.
 */
export async function renderReadinessPlanPdf(input: PlanPdfInput): Promise<Buffer> {
  const fonts = certificateFonts();
  const takenAt = new Date(input.source.takenAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    font: null as unknown as string,
    lang: 'en',
    displayTitle: true,
    info: {
      Title: `${translator('en')('readiness.pdf.title')} / ${translator('zh-CN')('readiness.pdf.title')}`,
      Producer: 'Procurement Academy',
      CreationDate: takenAt,
      ModDate: takenAt,
    },
  });
  doc.registerFont('latin-regular', fonts.latin.regular as unknown as string);
  doc.registerFont('latin-bold', fonts.latin.bold as unknown as string);
  doc.registerFont('cjk-regular', fonts.cjk.regular as unknown as string);
  doc.registerFont('cjk-bold', fonts.cjk.bold as unknown as string);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  await drawPlan(doc, input, 'en', translator('en'));
  doc.addPage();
  await drawPlan(doc, input, 'zh', translator('zh-CN'));
  doc.end();
  return done;
}

async function drawPlan(doc: PDFKit.PDFDocument, input: PlanPdfInput, lang: 'en' | 'zh', t: Translate): Promise<void> {
  const view = await buildResultView(input.check, input.source, lang, t, lang === 'zh' ? 'zh-CN' : 'en');
  const family = lang === 'zh' ? 'cjk' : 'latin';
  const width = doc.page.width - 2 * MARGIN;
  const write = (text: string, options: { size?: number; bold?: boolean; colour?: string; gap?: number; indent?: number } = {}) => {
    doc
      .font(`${family}-${options.bold ? 'bold' : 'regular'}`)
      .fontSize(options.size ?? 10.5)
      .fillColor(options.colour ?? COLOURS.text)
      .text(text, MARGIN + (options.indent ?? 0), undefined, { width: width - (options.indent ?? 0), lineGap: 2 });
    doc.moveDown(options.gap ?? 0.3);
  };
  doc.x = MARGIN;
  doc.y = MARGIN;
  write(t('readiness.pdf.title'), { size: 20, bold: true, colour: COLOURS.brand, gap: 0.4 });
  if (input.name) write(t('readiness.pdf.for', { name: input.name }), { colour: COLOURS.muted });
  write(view.takenAt, { colour: COLOURS.muted, gap: 0.8 });
  write(t('readiness.result.level', { level: view.level.label }), { size: 14, bold: true });
  write(t('readiness.result.overall', { percent: view.overall }), { size: 12 });
  write(view.level.summary, { gap: 0.8 });
  write(t('readiness.result.areas'), { size: 13, bold: true, colour: COLOURS.brand });
  for (const area of view.areas) {
    const score = area.percent === null ? t('readiness.result.notApplicable') : `${area.percent}%`;
    write(`${area.title}: ${score}${view.showChange && area.change ? ` (${area.change})` : ''}`, { indent: 10, gap: 0.1 });
  }
  doc.moveDown(0.6);
  write(t('readiness.result.gaps'), { size: 13, bold: true, colour: COLOURS.brand });
  if (view.gaps.length === 0) write(t('readiness.result.noGaps'));
  view.gaps.forEach((gap, index) => {
    write(`${index + 1}. ${gap.area}`, { bold: true, gap: 0.1 });
    write(gap.question, { colour: COLOURS.muted, indent: 14, gap: 0.1 });
    write(gap.advice, { indent: 14, gap: 0.1 });
    if (gap.links.length)
      write(`${t('readiness.result.learn')} ${gap.links.map((link) => link.text).join('; ')}`, { indent: 14, gap: 0.1 });
    if (gap.sources.length)
      write(`${t('readiness.result.sources')} ${gap.sources.map((source) => source.id).join(', ')}`, { indent: 14, colour: COLOURS.muted });
    doc.moveDown(0.3);
  });
  const used = [...new Set(view.gaps.flatMap((gap) => gap.sources.map((source) => source.id)))];
  doc.moveDown(0.4);
  write(t('readiness.pdf.note'), { colour: COLOURS.muted, size: 9 });
  if (used.length) {
    write(t('readiness.pdf.sources'), { size: 11, bold: true, colour: COLOURS.brand });
    for (const id of used) {
      const reference = input.check.references[id]!;
      write(`${id}: ${reference.title}${reference.url ? ` ${reference.url}` : ''}`, { size: 8.5, colour: COLOURS.muted, gap: 0.1 });
    }
  }
}
