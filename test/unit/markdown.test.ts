import { renderCacheSize, renderInlineMarkdown, renderModuleHtml, type RenderContext } from '../../src/courses/markdown';

const context = (overrides: Partial<RenderContext> = {}): RenderContext => ({
  lang: 'en',
  courseSlug: 'bid-writing',
  glossary: {
    ungm: { term: { en: 'UNGM', zh: '联合国全球采购网' }, definition: { en: 'The UN Global Marketplace.', zh: '联合国全球采购门户。' } },
  },
  references: [
    { id: 'S1', title: 'UN Procurement Manual', url: 'https://example.org/manual?a=1&b=2' },
    { id: 'S2', title: 'A printed guide' },
  ],
  ...overrides,
});

function expectInert(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/onerror/i);
  expect(html).not.toMatch(/javascript:/i);
  expect(html).not.toMatch(/<iframe/i);
  expect(html).not.toMatch(/data:/i);
}

describe('renderModuleHtml: hostile input renders inert', () => {
  it.each([
    ['a script block', '<script>alert(1)</script>'],
    ['an inline image with an event handler', 'Hello <img src=x onerror=alert(1)> world'],
    ['a javascript: link', '[x](javascript:alert(1))'],
    ['an upper-case JAVASCRIPT: link', '[x](JAVASCRIPT:alert(1))'],
    ['an entity-encoded javascript: link', '[x](&#106;avascript:alert(1))'],
    ['a javascript: reference link', '[x][evil]\n\n[evil]: javascript:alert(1)'],
    ['a javascript: autolink', '<javascript:alert(1)>'],
    ['a data: link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['a data: image', '![pixel](data:image/png;base64,iVBORw0KGgo=)'],
    ['a raw iframe', '<iframe src="https://evil.example"></iframe>'],
    ['HTML inside a callout', ':::tip\n<script>alert(1)</script>\n:::'],
    ['an event handler on inline HTML', 'Click <span onerror="alert(1)">here</span>'],
  ])('%s', (_name, markdown) => {
    expectInert(renderModuleHtml(markdown, context()));
  });

  it('keeps the text of an unsafe link but not the link', () => {
    const html = renderModuleHtml('[click me](javascript:alert(1))', context({ references: [] }));
    expect(html).toContain('click me');
    expect(html).not.toContain('<a');
  });

  it('drops protocol-relative links', () => {
    expect(renderModuleHtml('[x](//evil.example/a)', context({ references: [] }))).not.toContain('href');
  });
});

describe('renderModuleHtml: course syntax', () => {
  it('renders callouts with labels in the module language', () => {
    const markdown = ':::tip\nA **tip**\n:::\n\n:::warning\nCareful\n:::\n\n:::example\nSunbright\n:::';
    const en = renderModuleHtml(markdown, context());
    expect(en).toContain('<aside class="callout callout-tip" role="note"><p class="callout-label">Tip</p>');
    expect(en).toContain('<p>A <strong>tip</strong></p>\n</aside>');
    expect(en).toContain('<aside class="callout callout-warning" role="note"><p class="callout-label">Warning</p>');
    expect(en).toContain('<aside class="callout callout-example" role="note"><p class="callout-label">Example</p>');
    const zh = renderModuleHtml(markdown, context({ lang: 'zh' }));
    expect(zh).toContain('<p class="callout-label">提示</p>');
    expect(zh).toContain('<p class="callout-label">注意</p>');
    expect(zh).toContain('<p class="callout-label">示例</p>');
  });

  it('renders glossary terms focusable, with their definition, each with its own id', () => {
    const html = renderModuleHtml('Register on [[ungm]], the [[ungm|UN marketplace]].', context());
    expect(html).toContain(
      '<span class="term" tabindex="0" aria-describedby="term-ungm-1">UNGM<span class="term-definition" role="tooltip" id="term-ungm-1">The UN Global Marketplace.</span></span>',
    );
    expect(html).toContain('aria-describedby="term-ungm-2">UN marketplace<span class="term-definition" role="tooltip" id="term-ungm-2">');
    const zh = renderModuleHtml('[[ungm]]', context({ lang: 'zh' }));
    expect(zh).toContain('联合国全球采购网<span class="term-definition" role="tooltip" id="term-ungm-1">联合国全球采购门户。</span>');
  });

  it('renders an unknown glossary id as plain text', () => {
    expect(renderModuleHtml('See [[nope|this]].', context({ references: [] }))).toBe('<p>See this.</p>\n');
  });

  it('wraps tables and keeps column alignment', () => {
    const html = renderModuleHtml('| Step | Days |\n|---|--:|\n| Register | 3 |', context({ references: [] }));
    expect(html).toMatch(/^<div class="table-wrap">\n<table>/);
    expect(html).toContain('<th style="text-align:right">Days</th>');
    expect(html).toContain('<td>Register</td>');
    expect(html).toMatch(/<\/table>\n<\/div>/);
  });

  it('keeps image alt text and serves images from the course assets', () => {
    const html = renderModuleHtml('![Registration steps on UNGM](assets/steps.png)', context());
    expect(html).toContain('<img src="/courses/bid-writing/assets/steps.png" alt="Registration steps on UNGM" loading="lazy" />');
  });

  it('turns links to non-image assets into download links', () => {
    const html = renderModuleHtml('[Compliance matrix (CSV)](assets/compliance-matrix.csv)', context());
    expect(html).toContain(
      '<a href="/courses/bid-writing/assets/compliance-matrix.csv" download="compliance-matrix.csv" class="attachment">Compliance matrix (CSV)</a>',
    );
  });

  it('survives a malformed percent-escape in an attachment name', () => {
    expect(renderModuleHtml('[Broken](assets/100%.csv)', context({ references: [] }))).toContain('class="attachment"');
  });

  it('marks external links noopener noreferrer and leaves anchors alone', () => {
    const html = renderModuleHtml('[UNGM](https://www.ungm.org) and [above](#registering)', context());
    expect(html).toContain('<a href="https://www.ungm.org" rel="noopener noreferrer">UNGM</a>');
    expect(html).toContain('<a href="#registering">above</a>');
  });

  it('gives headings unique ids, in any script, and demotes a stray h1', () => {
    const html = renderModuleHtml('## Why it matters\n\n## Why it matters\n\n### 为什么 重要\n\n# Top', context({ references: [] }));
    expect(html).toContain('<h2 id="why-it-matters">Why it matters</h2>');
    expect(html).toContain('<h2 id="why-it-matters-2">Why it matters</h2>');
    expect(html).toContain('<h3 id="为什么-重要">为什么 重要</h3>');
    expect(html).toContain('<h2 id="top">Top</h2>');
    expect(html).not.toContain('<h1');
  });

  it('ends with the references section, linked when there is a URL', () => {
    const html = renderModuleHtml('Text.', context());
    expect(html).toContain(
      '<section class="references"><h2 id="references">References</h2><ol>' +
        '<li><a href="https://example.org/manual?a=1&amp;b=2" rel="noopener noreferrer">UN Procurement Manual</a></li>' +
        '<li>A printed guide</li></ol></section>',
    );
    expect(renderModuleHtml('Text.', context({ lang: 'zh' }))).toContain('<h2 id="references">参考资料</h2>');
    expect(renderModuleHtml('Text.', context({ references: [] }))).not.toContain('references');
  });
});

describe('renderModuleHtml cache', () => {
  it('returns the identical output on a hit and keys on the context', () => {
    const markdown = `Cached ${Date.now()} [[ungm]]`;
    const first = renderModuleHtml(markdown, context());
    const size = renderCacheSize();
    expect(renderModuleHtml(markdown, context())).toBe(first);
    expect(renderCacheSize()).toBe(size);
    expect(renderModuleHtml(markdown, context({ lang: 'zh' }))).not.toBe(first);
  });

  it('stays bounded', () => {
    for (let n = 0; n < 600; n += 1) renderModuleHtml(`Entry ${n}`, context({ references: [] }));
    expect(renderCacheSize()).toBeLessThanOrEqual(500);
  });
});

describe('renderInlineMarkdown', () => {
  it('renders emphasis, code and safe links inline', () => {
    expect(renderInlineMarkdown('**Bold**, `code` and [UNGM](https://www.ungm.org)')).toBe(
      '<strong>Bold</strong>, <code>code</code> and <a href="https://www.ungm.org" rel="noopener noreferrer">UNGM</a>',
    );
  });

  it('is inert on hostile input and never makes blocks', () => {
    const html = renderInlineMarkdown('<img src=x onerror=alert(1)> <script>alert(1)</script> [x](javascript:alert(1)) # not a heading');
    expectInert(html);
    expect(html).not.toMatch(/<(p|h1|img)\b/);
  });
});
