/**
 * Bar charts as inline SVG, drawn on the server: readable without JavaScript, and allowed by the CSP (presentation
 * attributes such as fill and width are not styles). Each chart has a <title> and <desc>, and the page puts the
 * same figures in a table next to it, which is the text alternative.
 */
export type ChartSeries = { label: string; color: string };
export type ChartGroup = { label: string; values: number[] };
export type BarChart = { id: string; title: string; desc: string; series: ChartSeries[]; groups: ChartGroup[] };

/** Colours with at least 4.5:1 contrast on white, so the value labels drawn in them stay readable. */
export const CHART_COLORS = ['#0b4f8a', '#1e6b35', '#8a4b00', '#5b2a86'] as const;

const WIDTH = 720;
const LABEL_WIDTH = 230;
const VALUE_WIDTH = 70;
const BAR_HEIGHT = 18;
const GROUP_GAP = 12;
const LEGEND_HEIGHT = 28;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** A horizontal bar chart: one group of bars per label, one bar per series. */
export function renderBarChart(chart: BarChart): string {
  const hasLegend = chart.series.length > 1;
  const top = hasLegend ? LEGEND_HEIGHT : 4;
  const groupHeight = chart.series.length * BAR_HEIGHT + GROUP_GAP;
  const height = top + chart.groups.length * groupHeight + 4;
  const max = Math.max(1, ...chart.groups.flatMap((group) => group.values));
  const barArea = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const titleId = `${chart.id}-title`;
  const descId = `${chart.id}-desc`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(chart.id)}" class="report-chart" role="img" aria-labelledby="${titleId} ${descId}" viewBox="0 0 ${WIDTH} ${height}" width="100%" font-family="system-ui, sans-serif" font-size="13">`,
    `<title id="${titleId}">${escapeXml(chart.title)}</title>`,
    `<desc id="${descId}">${escapeXml(chart.desc)}</desc>`,
  ];
  if (hasLegend) {
    chart.series.forEach((series, i) => {
      const x = LABEL_WIDTH + i * 160;
      parts.push(
        `<rect x="${x}" y="6" width="14" height="14" fill="${series.color}"/><text x="${x + 20}" y="18" fill="#1d2733">${escapeXml(series.label)}</text>`,
      );
    });
  }
  chart.groups.forEach((group, g) => {
    const y = top + g * groupHeight;
    const middle = y + (chart.series.length * BAR_HEIGHT) / 2 + 4;
    parts.push(
      `<g><title>${escapeXml(group.label)}</title><text x="${LABEL_WIDTH - 8}" y="${middle}" text-anchor="end" fill="#1d2733">${escapeXml(truncate(group.label, 30))}</text>`,
    );
    group.values.forEach((value, s) => {
      const width = Math.round((Math.max(0, value) / max) * barArea);
      const barY = y + s * BAR_HEIGHT;
      const color = chart.series[s]?.color ?? CHART_COLORS[0];
      parts.push(`<rect x="${LABEL_WIDTH}" y="${barY}" width="${width}" height="${BAR_HEIGHT - 3}" fill="${color}"/>`);
      parts.push(
        `<text x="${LABEL_WIDTH + width + 6}" y="${barY + BAR_HEIGHT - 6}" fill="${color}">${value.toLocaleString('en-US')}</text>`,
      );
    });
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}
