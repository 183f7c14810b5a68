import type { Lang } from '../courses/course-types';
import { moduleSections, renderModuleHtml } from '../courses/markdown';
import type { DraftContent, DraftModule } from './draft-types';

/** Where authors' previews load assets from: the working copy's, which may not be published yet. */
export function draftAssetBase(slug: string): string {
  return `/author/courses/${encodeURIComponent(slug)}/assets/`;
}

/**
 * The HTML learners would see for `markdown`, rendered by the same renderer and sanitiser as module pages, with the
 * draft's glossary and the module's references. Only asset URLs differ, so that images not yet published show.
 */
export function renderDraftPreview(slug: string, content: DraftContent, module: DraftModule, lang: Lang, markdown: string): string {
  const glossary = Object.fromEntries(content.meta.glossary.map(({ id, term, definition }) => [id, { term, definition }]));
  const references = module.references.map((id) => content.meta.references.find((ref) => ref.id === id)).filter((ref) => ref !== undefined);
  // Anchors from the draft's English page, as learners will get them (quiz hints link to them).
  const sectionIds = moduleSections(module.markdown.en).map((section) => section.slug);
  const html = renderModuleHtml(markdown, { lang, courseSlug: slug, glossary, references, sectionIds });
  return html.split(`="/courses/${encodeURIComponent(slug)}/assets/`).join(`="${draftAssetBase(slug)}`);
}
