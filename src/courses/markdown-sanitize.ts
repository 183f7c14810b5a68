import type sanitizeHtml from 'sanitize-html';

/**
 * The allow-list applied to every rendered module, after markdown-it: a second line of defence should a plugin or a
 * future change ever let markup through. Only what the renderer itself produces is allowed; no script, style,
 * iframe or event-handler attribute, and URLs only http, https, mailto or relative (never protocol-relative).
 */
const alignment = { 'text-align': [/^(left|right|center)$/] };

export const sanitizeBlockOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'a', 'img',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'div', 'aside', 'section', 'span', 'br', 'hr',
  ],
  allowedAttributes: {
    a: ['href', 'rel', 'download', 'class', 'title'],
    img: ['src', 'alt', 'title', 'loading'],
    h2: ['id'],
    h3: ['id'],
    h4: ['id'],
    h5: ['id'],
    h6: ['id'],
    span: ['class', 'tabindex', 'aria-describedby', 'role', 'id'],
    aside: ['class', 'role'],
    p: ['class'],
    div: ['class'],
    section: ['class'],
    code: ['class'],
    ol: ['start'],
    th: ['style'],
    td: ['style'],
  },
  allowedClasses: {
    a: ['attachment'],
    span: ['term', 'term-definition'],
    aside: ['callout', 'callout-tip', 'callout-warning', 'callout-example'],
    p: ['callout-label'],
    div: ['table-wrap'],
    section: ['references'],
    code: [/^language-[a-z0-9-]+$/],
  },
  allowedStyles: { th: alignment, td: alignment },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // The page's only h1 is the module title.
  transformTags: { h1: 'h2' },
};

/** Quiz prompts, options and explanations: phrasing only. */
export const sanitizeInlineOptions: sanitizeHtml.IOptions = {
  allowedTags: ['strong', 'em', 's', 'code', 'a', 'br'],
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};
