import type MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { canonicalJson } from '../canonical-json';
import { sha256Hex } from './content-hash';
import type { GlossaryEntry, Lang } from './course-types';
import { calloutKinds, createCourseMarkdown, installLinkGuard, type CalloutKind, type GlossaryTermMeta } from './markdown-plugins';
import { sanitizeBlockOptions, sanitizeInlineOptions } from './markdown-sanitize';
import { sectionSlug, type ModuleSection } from './module-sections';
import { LruCache } from '../lru-cache';

export type RenderReference = { id: string; title: string; url?: string };

export type RenderContext = {
  lang: Lang;
  courseSlug: string;
  glossary: Record<string, GlossaryEntry>;
  /** The module's references, in the order its front matter lists them. */
  references: RenderReference[];
  /**
   * Anchors of the module's `##` headings in order, from the English page: the Chinese page uses the same ids, so a
   * quiz hint's link (`#section`) lands on the same section in either language.
   */
  sectionIds?: string[];
};

type RenderEnv = { ctx?: RenderContext; usedIds: Set<string>; h2?: number };
type Token = MarkdownIt.Token;

// Content labels follow the module's language (en/zh), not the visitor's UI locale, and are part of the cached HTML.
const labels: Record<Lang, Record<CalloutKind | 'references', string>> = {
  en: { tip: 'Tip', warning: 'Warning', example: 'Example', references: 'References' },
  zh: { tip: '提示', warning: '注意', example: '示例', references: '参考资料' },
};
const imageExtensions = /\.(png|jpe?g|gif|webp|svg|avif)$/i;

const md = createCourseMarkdown((tokens, idx, _options, env) => {
  const token = tokens[idx] as Token;
  if (token.nesting !== 1) return '</aside>\n';
  const kind = (calloutKinds.find((name) => token.type === `container_${name}_open`) ?? 'tip') as CalloutKind;
  const lang = (env as RenderEnv | undefined)?.ctx?.lang ?? 'en';
  return `<aside class="callout callout-${kind}" role="note"><p class="callout-label">${labels[lang][kind]}</p>\n`;
});
installLinkGuard(md);
const escapeHtml = md.utils.escapeHtml;
const rules = md.renderer.rules;

// Raw HTML is parsed as tokens only so it can be dropped here, whole: escaped, it would still show as text.
rules.html_block = () => '';
rules.html_inline = () => '';
rules.table_open = (tokens, idx, options, _env, self) => `<div class="table-wrap">\n${self.renderToken(tokens, idx, options)}`;
rules.table_close = (tokens, idx, options, _env, self) => `${self.renderToken(tokens, idx, options)}</div>\n`;

rules.heading_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx] as Token;
  const renderEnv = env as RenderEnv;
  const text = plainText(tokens[idx + 1]?.children ?? []);
  let base = slugify(text);
  if (token.tag === 'h2' && renderEnv.ctx?.sectionIds) {
    const index = renderEnv.h2 ?? 0;
    renderEnv.h2 = index + 1;
    base = renderEnv.ctx.sectionIds[index] ?? base;
  }
  token.attrSet('id', uniqueId(renderEnv, base || 'section'));
  return self.renderToken(tokens, idx, options);
};

/** The `##` headings of a module body in order (as the renderer sees them); `bodyLine` is the body's first file line. */
export function moduleSections(markdown: string, bodyLine = 1): ModuleSection[] {
  const tokens = md.parse(markdown, { usedIds: new Set() } satisfies RenderEnv);
  const sections: ModuleSection[] = [];
  tokens.forEach((token, idx) => {
    if (token.type !== 'heading_open' || token.tag !== 'h2') return;
    const text = plainText(tokens[idx + 1]?.children ?? []);
    sections.push({ slug: sectionSlug(text) || 'section', text, line: (token.map?.[0] ?? 0) + bodyLine });
  });
  return sections;
}

rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx] as Token;
  const href = String(token.attrGet('href') ?? '');
  if (href.startsWith('assets/')) {
    token.attrSet('href', assetUrl(env as RenderEnv, href));
    const file = href.split(/[?#]/)[0]?.split('/').pop() ?? '';
    if (!imageExtensions.test(file)) {
      token.attrSet('download', safeDecode(file) || 'download');
      token.attrJoin('class', 'attachment');
    }
  } else if (/^https?:/i.test(href)) {
    token.attrSet('rel', 'noopener noreferrer');
  }
  return self.renderToken(tokens, idx, options);
};

const renderImage = rules.image;
rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx] as Token;
  const src = String(token.attrGet('src') ?? '');
  if (src.startsWith('assets/')) token.attrSet('src', assetUrl(env as RenderEnv, src));
  token.attrSet('loading', 'lazy');
  return renderImage ? renderImage(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
};

rules.glossary_term = (tokens, idx, _options, env) => {
  const { id, text } = (tokens[idx] as Token).meta as GlossaryTermMeta;
  const ctx = (env as RenderEnv).ctx;
  const entry = ctx && Object.hasOwn(ctx.glossary, id) ? ctx.glossary[id] : undefined;
  if (!ctx || !entry) return escapeHtml(text ?? id);
  let n = 1;
  while ((env as RenderEnv).usedIds.has(`term-${id}-${n}`)) n += 1;
  const termId = uniqueId(env as RenderEnv, `term-${id}-${n}`);
  const shown = escapeHtml(text ?? entry.term[ctx.lang]);
  const definition = escapeHtml(entry.definition[ctx.lang]);
  return `<span class="term" tabindex="0" aria-describedby="${termId}">${shown}<span class="term-definition" role="tooltip" id="${termId}">${definition}</span></span>`;
};

function plainText(children: Token[]): string {
  return children
    .map((child) => {
      const term = child.type === 'glossary_term' ? (child.meta as GlossaryTermMeta) : undefined;
      return term ? (term.text ?? term.id) : child.content;
    })
    .join('');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function assetUrl(env: RenderEnv | undefined, href: string): string {
  const slug = env?.ctx?.courseSlug;
  return slug ? `/courses/${encodeURIComponent(slug)}/${href}` : href;
}

/** Lower-case words of any script joined by `-`, so Chinese headings keep readable anchors. */
export function slugify(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

function uniqueId(env: RenderEnv, base: string): string {
  let id = base;
  for (let n = 2; env.usedIds.has(id); n += 1) id = `${base}-${n}`;
  env.usedIds.add(id);
  return id;
}

function renderReferences(ctx: RenderContext): string {
  if (ctx.references.length === 0) return '';
  const items = ctx.references.map(({ title, url }) => {
    const text = escapeHtml(title);
    return url ? `<li><a href="${escapeHtml(url)}" rel="noopener noreferrer">${text}</a></li>` : `<li>${text}</li>`;
  });
  return `<section class="references"><h2 id="references">${labels[ctx.lang].references}</h2><ol>${items.join('')}</ol></section>\n`;
}

/** Rendered HTML by a hash of its input: rendering and sanitising dominate a module page's CPU. */
const cache = new LruCache<string>(500);

function cached(key: string, render: () => string): string {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const html = render();
  cache.set(key, html);
  return html;
}

/** Safe HTML for a module body in one language, with callouts, glossary tooltips, asset links and its references list. */
export function renderModuleHtml(markdown: string, ctx: RenderContext): string {
  return cached(sha256Hex(`module\0${markdown}\0${canonicalJson(ctx)}`), () => {
    const env: RenderEnv = { ctx, usedIds: new Set(['references']) };
    const html = md.render(markdown, env) + renderReferences(ctx);
    return sanitizeHtml(html, sanitizeBlockOptions);
  });
}

/** Safe inline HTML (emphasis, code, links) for quiz prompts, options, feedback and explanations. */
export function renderInlineMarkdown(text: string): string {
  return cached(sha256Hex(`inline\0${text}`), () => sanitizeHtml(md.renderInline(text, { usedIds: new Set() } satisfies RenderEnv), sanitizeInlineOptions));
}

/** Entries currently cached (for tests and diagnostics). */
export function renderCacheSize(): number {
  return cache.count;
}
