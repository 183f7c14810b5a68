import { escapeXml, renderBarChart } from '../../src/reports/report-svg';

describe('renderBarChart', () => {
  const chart = renderBarChart({
    id: 'test-chart',
    title: 'Funnel <&> "quoted"',
    desc: 'Learners by step',
    series: [
      { label: 'Started', color: '#0b4f8a' },
      { label: 'Completed', color: '#1e6b35' },
    ],
    groups: [
      { label: '第 1 单元 <b>', values: [10, 5] },
      { label: 'A module title that is far too long to fit in the label column', values: [0, 0] },
    ],
  });

  it('is labelled by its title and description', () => {
    expect(chart).toMatch(/^<svg [^>]*role="img" aria-labelledby="test-chart-title test-chart-desc"/);
    expect(chart).toContain('<title id="test-chart-title">Funnel &lt;&amp;&gt; &quot;quoted&quot;</title>');
    expect(chart).toContain('<desc id="test-chart-desc">Learners by step</desc>');
  });

  it('escapes labels, truncates long ones (full text in a <title>), and scales bars to the largest value', () => {
    expect(chart).toContain('第 1 单元 &lt;b&gt;');
    expect(chart).not.toContain('<b>');
    expect(chart).toContain('<title>A module title that is far too long to fit in the label column</title>');
    expect(chart).toContain('A module title that is far to…');
    expect(chart).toMatch(/<rect x="230" y="28" width="420" height="15" fill="#0b4f8a"\/>/);
    expect(chart).toMatch(/<rect x="230" y="46" width="210" height="15" fill="#1e6b35"\/>/);
    expect(chart).toMatch(/width="0" height="15"/);
  });

  it('uses presentation attributes only (the CSP forbids inline styles)', () => {
    expect(chart).not.toMatch(/style=/);
  });

  it('escapes every XML special character', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
