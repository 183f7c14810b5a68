import type { Problem, ValidationContext } from './course-types';
import type { MarkdownFile } from './course-source';
import { createCourseMarkdown, isSafeUrl, urlScheme, walkTokens, type GlossaryTermMeta } from './markdown-plugins';

// Parses only: raw HTML arrives as html_block / html_inline tokens, which is how it is found.
const md = createCourseMarkdown();

/** Checks a module body: raw HTML, headings, images, links, assets, glossary ids and callout markers. */
export function checkModuleMarkdown(page: MarkdownFile, context: ValidationContext, problems: Problem[]): void {
  const report = (bodyLine: number, message: string): void => {
    problems.push({ file: page.file, line: page.bodyLine + bodyLine, message });
  };
  const bodyLines = page.body.split('\n');
  walkTokens(md.parse(page.body, {}), (token, line) => {
    // The container plugin closes a callout at the end of the file when its ::: is missing, swallowing the rest.
    if (token.type.startsWith('container_') && token.nesting === 1 && !bodyLines[token.map?.[1] ?? -1]?.trim().startsWith(':::')) {
      report(line, `callout ${token.markup}${token.info.trim()} is not closed: add a line with ::: after it`);
    }
    switch (token.type) {
      case 'html_block':
      case 'html_inline':
        // One report per element: an inline closing tag belongs to an opening tag already reported.
        if (isHtmlComment(token.content) || (token.type === 'html_inline' && token.content.startsWith('</'))) break;
        report(line, `raw HTML is not allowed: ${excerpt(token.content)}`);
        break;
      case 'heading_open':
        if (token.tag === 'h1') report(line, "use ## or lower for headings: the module title is the page's only # heading");
        break;
      case 'image': {
        if (token.content.trim() === '') report(line, 'image has no alt text');
        const message = checkUrl(String(token.attrGet('src') ?? ''), 'image', context);
        if (message) report(line, message);
        break;
      }
      case 'link_open': {
        const message = checkUrl(String(token.attrGet('href') ?? ''), 'link', context);
        if (message) report(line, message);
        break;
      }
      case 'glossary_term': {
        const { id } = token.meta as GlossaryTermMeta;
        if (context.glossaryIds && !context.glossaryIds.has(id)) report(line, `unknown glossary id: ${id}`);
        break;
      }
      case 'inline':
        // A callout marker the container plugin did not take (unknown kind, or a stray closing :::) stays as text.
        token.content.split('\n').forEach((text, offset) => {
          if (text.trim().startsWith(':::')) {
            report(line + offset, `callout not recognised: ${excerpt(text.trim())} (use :::tip, :::warning or :::example, closed by :::)`);
          }
        });
        break;
      default:
        break;
    }
  });
}

/** Why a link or image target is not acceptable, or undefined when it is. */
function checkUrl(url: string, kind: 'link' | 'image', context: ValidationContext): string | undefined {
  if (url.startsWith('assets/')) {
    const name = assetName(url);
    return name !== undefined && context.assetNames.has(name) ? undefined : `link to missing asset: ${url}`;
  }
  if (kind === 'image') return `image must be a file in assets/: ${excerpt(url)}`;
  if (!isSafeUrl(url)) return `link not allowed: ${excerpt(url)} (use http, https, mailto or a file in assets/)`;
  if (urlScheme(url) === undefined && !url.startsWith('#') && !url.startsWith('/')) {
    return `relative link must point to a file in assets/ or a #heading: ${excerpt(url)}`;
  }
  return undefined;
}

/** The asset name a link points to, without query or fragment; undefined for paths that try to leave assets/. */
export function assetName(url: string): string | undefined {
  const pathPart = url.slice('assets/'.length).split(/[?#]/)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURI(pathPart);
  } catch {
    return undefined;
  }
  const segments = decoded.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('\\'))) return undefined;
  return decoded;
}

function isHtmlComment(content: string): boolean {
  const trimmed = content.trim();
  return trimmed.startsWith('<!--') && trimmed.endsWith('-->');
}

function excerpt(text: string): string {
  const firstLine = text.trim().split('\n')[0] ?? '';
  return firstLine.length > 60 ? `${firstLine.slice(0, 57)}...` : firstLine;
}
