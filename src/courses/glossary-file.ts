import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { displayPath, normaliseText } from './course-source';
import { langs, type GlossaryEntry, type Lang, type Problem } from './course-types';
import { parseYamlText, type YamlFile } from './yaml-reader';
import { YamlReader } from './yaml-reader';

/**
 * The glossary shared by every course of a courses folder (`<root>/glossary.yaml`): one definition per term, so
 * that a pop-up says the same thing in every course, plus the renderings a Chinese (or English) module must not use.
 */
export const sharedGlossaryFileName = 'glossary.yaml';

/** A rendering that must not appear in a module of `lang`: a glossary term's variant or a wording rule. */
export type WordingRule = { lang: Lang; avoid: string; use: string; termId?: string; line: number };

/** One language of one glossary definition, with the file line its text starts on. */
export type DefinitionText = { lang: Lang; text: string; line: number };

/** `definitions` are the glossary's own definition texts: pop-ups show them, so the wording rules apply to them too. */
export type SharedGlossary = { file: string; terms: Record<string, GlossaryEntry>; rules: WordingRule[]; definitions: DefinitionText[] };

/** The shared glossary and its problems; both empty when the folder has no glossary.yaml. */
export type SharedGlossaryResult = { glossary?: SharedGlossary; problems: Problem[] };

const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Reads `<root>/glossary.yaml` when it exists. */
export async function readSharedGlossary(root: string): Promise<SharedGlossaryResult> {
  const full = path.join(root, sharedGlossaryFileName);
  let text: string;
  try {
    text = normaliseText(await readFile(full, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { problems: [] };
    throw error;
  }
  return parseSharedGlossary(displayPath(full), text);
}

/** Parses the text of a shared glossary file; `file` is the path used in messages. */
export function parseSharedGlossary(file: string, text: string): SharedGlossaryResult {
  const parsed = parseYamlText(file, text, 0, 'YAML');
  const problems = [...parsed.problems];
  if (!parsed.yaml) return { problems };
  const r = new YamlReader(parsed.yaml, problems);
  const root = r.root(sharedGlossaryFileName);
  if (!root) return { problems };
  r.rejectUnknownKeys(root, ['terms', 'wording'], '');
  const rules: WordingRule[] = [];
  const terms = r.at(root, 'terms', 'terms', r.mapOf((node, line, at) => readTerm(r, node, line, at, rules), idPattern, 'glossary')) ?? {};
  r.at(root, 'wording', 'wording', r.listOf((node, line, at) => readWordingRule(r, node, line, at, rules)), false);
  for (const rule of rules) {
    const term = rule.termId ? terms[rule.termId] : undefined;
    if (term && isVariantOfTermItself(rule.avoid, term.term[rule.lang])) {
      r.report(rule.line, `variant ${rule.avoid} is part of the term itself (${term.term[rule.lang]})`);
    }
  }
  if (problems.length > 0) return { problems };
  return { glossary: { file, terms, rules, definitions: glossaryDefinitionTexts(parsed.yaml, root.get('terms', true)) }, problems };
}

/**
 * The definition texts of a glossary map (`terms:` here, `glossary:` in a course.yaml), each with its line. Reads the
 * YAML nodes, not the parsed entries, because the entries keep no lines; malformed entries were reported elsewhere.
 */
export function glossaryDefinitionTexts(yaml: YamlFile, glossary: unknown): DefinitionText[] {
  const texts: DefinitionText[] = [];
  if (!isMap(glossary)) return texts;
  for (const entry of glossary.items) {
    const definition = isMap(entry.value) ? entry.value.get('definition', true) : undefined;
    if (!isMap(definition)) continue;
    for (const pair of definition.items) {
      const lang = isScalar(pair.key) ? pair.key.value : undefined;
      const value = pair.value;
      if ((lang !== 'en' && lang !== 'zh') || !isScalar(value) || typeof value.value !== 'string') continue;
      const line = value.range ? yaml.lineCounter.linePos(value.range[0]).line + yaml.lineOffset : 1;
      texts.push({ lang, text: value.value, line });
    }
  }
  return texts;
}

/** A term as written in running text: its glossary heading without a trailing gloss such as （debriefing）. */
export function proseForm(term: string): string {
  return term.replace(/\s*[（(][^（）()]*[）)]\s*$/, '') || term;
}

/**
 * A variant may be a shortening inside the running-text form (结果说明 in 投标结果说明会: the check skips it there and
 * reports it everywhere else), but not the whole form, which would report nothing, nor text of the trailing gloss,
 * which the check would report wherever the full term is written.
 */
function isVariantOfTermItself(avoid: string, term: string): boolean {
  const prose = proseForm(term);
  return avoid === prose || term.split(prose).join('\u0000').includes(avoid);
}

/** `{ term, definition, variants? }`; `variants: { zh: [..] }` lists renderings modules must not use for this term. */
function readTerm(r: YamlReader, node: Node, line: number, at: string, rules: WordingRule[]): GlossaryEntry | undefined {
  const map = r.map(node, line, at);
  if (!map) return undefined;
  r.rejectUnknownKeys(map, ['term', 'definition', 'variants'], at);
  const term = r.at(map, 'term', `${at}.term`, r.bilingual);
  const definition = r.at(map, 'definition', `${at}.definition`, r.bilingual);
  const id = at.split('.').pop() ?? at;
  r.at(map, 'variants', `${at}.variants`, (value, valueLine, valuePath) => {
    const variants = r.map(value, valueLine, valuePath);
    if (!variants) return undefined;
    r.rejectUnknownKeys(variants, langs, valuePath);
    for (const lang of langs) {
      const seq = r.at(variants, lang, `${valuePath}.${lang}`, r.list, false);
      for (const [index, item] of (seq ? r.items(seq) : []).entries()) {
        const avoid = item.value ? r.text(item.value, item.line, `${valuePath}.${lang}[${index}]`) : undefined;
        const use = term?.[lang];
        if (avoid && use) rules.push({ lang, avoid, use, termId: id, line: item.line });
      }
    }
    return true;
  }, false);
  return term && definition ? { term, definition } : undefined;
}

/** `{ lang, avoid, use }`: wording that is not a glossary term, such as the form of address. */
function readWordingRule(r: YamlReader, node: Node, line: number, at: string, rules: WordingRule[]): true | undefined {
  const map = r.map(node, line, at);
  if (!map) return undefined;
  r.rejectUnknownKeys(map, ['lang', 'avoid', 'use', 'note'], at);
  const lang = r.at(map, 'lang', `${at}.lang`, r.oneOf(langs));
  const avoid = r.at(map, 'avoid', `${at}.avoid`, r.text);
  const use = r.at(map, 'use', `${at}.use`, r.text);
  r.at(map, 'note', `${at}.note`, r.text, false);
  if (lang && avoid && use) rules.push({ lang, avoid, use, line });
  return true;
}
