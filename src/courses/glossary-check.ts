import type { CourseSource } from './course-source';
import type { Lang, Problem } from './course-types';
import type { SharedGlossary, WordingRule } from './glossary-file';

/**
 * Reports, line by line, every place a module writes a glossary term in a rendering the shared glossary lists as a
 * variant (debriefing as 落标说明会 when the glossary says 投标结果说明会), or breaks a wording rule (你 for 您).
 * Module pages are checked in their own language; quiz files hold both languages, so only Chinese rules apply to
 * them (a Chinese variant cannot occur in English text). Front matter counts: titles and objectives are shown too.
 */
export function checkGlossaryWording(source: CourseSource, glossary: SharedGlossary, problems: Problem[]): void {
  for (const module of source.modules) {
    for (const lang of ['en', 'zh'] as const) {
      const page = module.pages[lang];
      if (page) checkText(page.file, page.text, rulesFor(glossary, lang), glossary.file, problems);
    }
    if (module.quizFile && module.quizText !== undefined) {
      checkText(module.quizFile, module.quizText, rulesFor(glossary, 'zh'), glossary.file, problems);
    }
  }
}

function rulesFor(glossary: SharedGlossary, lang: Lang): WordingRule[] {
  return glossary.rules.filter((rule) => rule.lang === lang);
}

function checkText(file: string, text: string, rules: WordingRule[], glossaryFile: string, problems: Problem[]): void {
  if (rules.length === 0) return;
  text.split('\n').forEach((line, index) => {
    for (const rule of rules) {
      if (!hasVariant(line, rule)) continue;
      const where = `${glossaryFile}:${rule.line}`;
      const message = rule.termId
        ? `glossary term ${rule.termId} is written ${rule.avoid} here; use ${proseForm(rule.use)} (${where})`
        : `wording: use ${rule.use}, not ${rule.avoid} (${where})`;
      problems.push({ file, line: index + 1, message });
    }
  });
}

/** A term as written in running text: its glossary heading without a trailing gloss such as （debriefing）. */
export function proseForm(term: string): string {
  return term.replace(/\s*[（(][^（）()]*[）)]\s*$/, '') || term;
}

/** True when `avoid` occurs in `line` outside every occurrence of the preferred form (which may contain it). */
function hasVariant(line: string, rule: WordingRule): boolean {
  const caseless = rule.lang === 'en';
  const haystack = caseless ? line.toLowerCase() : line;
  const avoid = caseless ? rule.avoid.toLowerCase() : rule.avoid;
  const preferred = caseless ? proseForm(rule.use).toLowerCase() : proseForm(rule.use);
  const covered: [number, number][] = [];
  if (preferred.includes(avoid)) {
    for (let at = haystack.indexOf(preferred); at >= 0; at = haystack.indexOf(preferred, at + 1)) covered.push([at, at + preferred.length]);
  }
  for (let at = haystack.indexOf(avoid); at >= 0; at = haystack.indexOf(avoid, at + 1)) {
    const end = at + avoid.length;
    if (!covered.some(([from, to]) => at >= from && end <= to)) return true;
  }
  return false;
}
