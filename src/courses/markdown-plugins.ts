import MarkdownIt from 'markdown-it';
import container from 'markdown-it-container';

/**
 * Markdown syntax shared by the renderer and the validator, so that both see exactly the same tokens: callouts
 * (`:::tip`), glossary terms (`[[id]]`, `[[id|text]]`) and raw HTML recognised as HTML tokens (never rendered).
 */

export const calloutKinds = ['tip', 'warning', 'example'] as const;
export type CalloutKind = (typeof calloutKinds)[number];

type Token = MarkdownIt.Token;
type Render = MarkdownIt.RendererRule;
export type CourseMarkdown = MarkdownIt.MarkdownIt;

export type GlossaryTermMeta = { id: string; text?: string };

const safeSchemes = new Set(['http', 'https', 'mailto']);
// Browsers skip these inside a URL's scheme (`java\tscript:`), so they must be ignored before reading it.
// eslint-disable-next-line no-control-regex
const ignoredInUrls = /[\u0000-\u0020\u007f-\u009f]/g;

/** The URL scheme, lower-cased, after removing the control characters and spaces browsers ignore; undefined when relative. */
export function urlScheme(href: string): string | undefined {
  const cleaned = href.replace(ignoredInUrls, '');
  return /^([a-z][a-z0-9+.-]*):/i.exec(cleaned)?.[1]?.toLowerCase();
}

/** http, https and mailto URLs and plain relative paths; never protocol-relative (`//host`, `/\host`). */
export function isSafeUrl(href: string): boolean {
  const cleaned = href.replace(ignoredInUrls, '');
  if (/^[\\/]{2}/.test(cleaned)) return false;
  const scheme = urlScheme(cleaned);
  return scheme === undefined || safeSchemes.has(scheme);
}

/** A new parser with the course dialect. `html: true` only so raw HTML becomes tokens the caller can drop or report. */
export function createCourseMarkdown(renderCallout?: Render): CourseMarkdown {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  // Every link becomes a token; the renderer drops unsafe ones (link guard) and the validator reports them.
  md.validateLink = () => true;
  for (const kind of calloutKinds) md.use(container, kind, renderCallout ? { render: renderCallout } : {});
  md.inline.ruler.before('link', 'glossary_term', glossaryTermRule);
  return md;
}

/** `[[id]]` or `[[id|shown text]]`; must run before `link`, which would otherwise claim the bracket. */
function glossaryTermRule(state: MarkdownIt.StateInline, silent: boolean): boolean {
  const start = state.pos;
  if (state.src.charCodeAt(start) !== 0x5b || state.src.charCodeAt(start + 1) !== 0x5b) return false;
  const end = state.src.indexOf(']]', start + 2);
  if (end < 0) return false;
  const match = /^\s*([A-Za-z0-9_.-]+)\s*(?:\|([^\]\n|]+))?$/.exec(state.src.slice(start + 2, end));
  if (!match?.[1]) return false;
  if (!silent) {
    const token = state.push('glossary_term', '', 0);
    const text = match[2]?.trim();
    token.meta = { id: match[1], ...(text ? { text } : {}) } satisfies GlossaryTermMeta;
  }
  state.pos = end + 2;
  return true;
}

/** Removes links and images with unsafe URLs, keeping a link's text (but not an autolink's, which is the URL). */
export function installLinkGuard(md: CourseMarkdown): void {
  md.core.ruler.push('course_link_guard', (state) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue;
      block.children = guardLinks(block.children);
    }
  });
}

function guardLinks(children: Token[]): Token[] {
  const kept: Token[] = [];
  let dropping: 'link' | 'autolink' | undefined;
  for (const token of children) {
    if (token.type === 'link_open' && !isSafeUrl(String(token.attrGet('href') ?? ''))) {
      dropping = token.markup === 'autolink' ? 'autolink' : 'link';
      continue;
    }
    if (token.type === 'link_close' && dropping) {
      dropping = undefined;
      continue;
    }
    if (dropping === 'autolink') continue;
    if (token.type === 'image' && !isSafeUrl(String(token.attrGet('src') ?? ''))) continue;
    kept.push(token);
  }
  return kept;
}

/** Calls `visit` for every block and inline token with the best-known 0-based source line of the Markdown body. */
export function walkTokens(tokens: Token[], visit: (token: Token, line: number) => void): void {
  let line = 0;
  for (const token of tokens) {
    if (token.map) line = token.map[0];
    visit(token, line);
    let inlineLine = line;
    for (const child of token.children ?? []) {
      visit(child, inlineLine);
      if (child.type === 'softbreak' || child.type === 'hardbreak') inlineLine += 1;
    }
  }
}
