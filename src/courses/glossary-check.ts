import type { CourseSource } from './course-source';
import type { Lang, Problem } from './course-types';
import { glossaryDefinitionTexts, proseForm, type DefinitionText, type SharedGlossary, type WordingRule } from './glossary-file';

/** Kept here too: the running-text form is what this check's messages show. */
export { proseForm };

/**
 * Reports, line by line, every place a module writes a glossary term in a rendering the shared glossary lists as a
 * variant (debriefing as 落标说明会 when the glossary says 投标结果说明会), or breaks a wording rule (你 for 您).
 * Module pages are checked in their own language; quiz files hold both languages, so only Chinese rules apply to
 * them (a Chinese variant cannot occur in English text). Front matter counts: titles and objectives are shown too.
 * Glossary definitions (the shared file's and the course.yaml's own) are checked in their language as well, since
 * every pop-up shows them: the shared file's problems come back with every course and are printed once.
 */
export function checkGlossaryWording(source: CourseSource, glossary: SharedGlossary, problems: Problem[]): void {
  checkDefinitions(glossary.file, glossary.definitions, glossary, problems);
  if (source.courseYaml) {
    const own = glossaryDefinitionTexts(source.courseYaml, source.courseYaml.doc.get('glossary', true));
    checkDefinitions(source.courseFile, own, glossary, problems);
  }
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

function checkDefinitions(file: string, definitions: DefinitionText[], glossary: SharedGlossary, problems: Problem[]): void {
  for (const { lang, text, line } of definitions) {
    // A definition is one YAML value: a folded one spans several lines, reported at the line it starts on.
    checkLine(file, line, text, rulesFor(glossary, lang), glossary.file, problems);
  }
}

function checkText(file: string, text: string, rules: WordingRule[], glossaryFile: string, problems: Problem[]): void {
  if (rules.length === 0) return;
  text.split('\n').forEach((line, index) => checkLine(file, index + 1, line, rules, glossaryFile, problems));
}

function checkLine(file: string, lineNumber: number, line: string, rules: WordingRule[], glossaryFile: string, problems: Problem[]): void {
  for (const rule of rules) {
    if (!hasVariant(line, rule)) continue;
    const where = `${glossaryFile}:${rule.line}`;
    const message = rule.termId
      ? `glossary term ${rule.termId} is written ${rule.avoid} here; use ${proseForm(rule.use)} (${where})`
      : `wording: use ${rule.use}, not ${rule.avoid} (${where})`;
    problems.push({ file, line: lineNumber, message });
  }
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
