/** One `##` heading of a module: `slug` is its anchor (from the English heading), `line` is its file line. */
export type ModuleSection = { slug: string; text: string; line: number };

/**
 * The anchor of a section as quiz files name it: the English heading lower-cased, every run of characters other
 * than a-z and 0-9 replaced by `-`, trimmed of `-` (a fixed, ASCII rule that authors can apply by hand).
 */
export function sectionSlug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
