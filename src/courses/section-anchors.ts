import type { Bilingual } from './course-types';
import { moduleSections } from './markdown';

/** A `##` section of a module: its anchor (the English heading's slug) and its heading in both languages. */
export type SectionAnchor = { slug: string; heading: Bilingual };

type ModuleText = { markdown: Bilingual };

// Course versions are immutable and cached in memory, so each module's sections are parsed once per process.
const known = new WeakMap<ModuleText, SectionAnchor[]>();

/**
 * The module's `##` sections: the i-th Chinese heading is the i-th English one (the validator checks both pages have
 * as many), so both pages give it the English slug as anchor.
 */
export function sectionsOf(module: ModuleText): SectionAnchor[] {
  const hit = known.get(module);
  if (hit) return hit;
  const zh = moduleSections(module.markdown.zh);
  const sections = moduleSections(module.markdown.en).map((section, i) => ({
    slug: section.slug,
    heading: { en: section.text, zh: zh[i]?.text ?? section.text },
  }));
  known.set(module, sections);
  return sections;
}

/** Anchors for the renderer (`RenderContext.sectionIds`). */
export function sectionIdsOf(module: ModuleText): string[] {
  return sectionsOf(module).map((section) => section.slug);
}
