import { canonicalJson } from '../canonical-json';
import { courseSettingKeys, langs, type Bilingual, type Lang } from '../courses/course-types';
import type { CourseVersionDoc } from '../courses/course-version.model';
import { draftFromVersion } from './draft-convert';
import type { DraftContent, DraftMeta, DraftModule } from './draft-types';
import { diffLines, type DiffLine } from './line-diff';

export type ModuleChange = {
  slug: string;
  title: Bilingual;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  /** Which parts differ: order, minutes, references, title, objectives, markdown.en, markdown.zh, quiz. */
  parts: string[];
  markdown: { lang: Lang; lines: DiffLine[] }[];
};

export type DraftChanges = {
  isNew: boolean;
  meta: string[];
  modules: ModuleChange[];
  assetsAdded: string[];
  assetsRemoved: string[];
  hasChanges: boolean;
};

const metaKeys: (keyof DraftMeta)[] = [...courseSettingKeys, 'references', 'glossary'];
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

function moduleParts(before: DraftModule, after: DraftModule): string[] {
  const parts: string[] = [];
  for (const key of ['order', 'minutes', 'references', 'title', 'objectives'] as const) if (!same(before[key], after[key])) parts.push(key);
  for (const lang of langs) if (before.markdown[lang] !== after.markdown[lang]) parts.push(`markdown.${lang}`);
  if (!same(before.quiz?.questions ?? [], after.quiz?.questions ?? [])) parts.push('quiz');
  return parts;
}

/**
 * What publishing the draft would change, compared with the live version: course fields, modules added, removed
 * or changed (with a line diff of changed Markdown), and assets. Progress is kept on every module whose slug stays.
 */
export function describeChanges(live: CourseVersionDoc | undefined, draft: DraftContent): DraftChanges {
  const base = live ? draftFromVersion(live) : undefined;
  const meta = base ? metaKeys.filter((key) => !same(base.meta[key], draft.meta[key])) : [];
  const liveModules = new Map((base?.modules ?? []).map((module) => [module.slug, module]));
  const modules: ModuleChange[] = draft.modules.map((module) => {
    const before = liveModules.get(module.slug);
    if (!before) return { slug: module.slug, title: module.title, status: 'added', parts: [], markdown: [] };
    const parts = moduleParts(before, module);
    const markdown = langs
      .filter((lang) => parts.includes(`markdown.${lang}`))
      .map((lang) => ({ lang, lines: diffLines(before.markdown[lang], module.markdown[lang]) }));
    return { slug: module.slug, title: module.title, status: parts.length ? 'changed' : 'unchanged', parts, markdown };
  });
  const kept = new Set(draft.modules.map((module) => module.slug));
  for (const module of base?.modules ?? []) {
    if (!kept.has(module.slug)) modules.push({ slug: module.slug, title: module.title, status: 'removed', parts: [], markdown: [] });
  }
  const liveAssets = new Map((base?.assets ?? []).map((asset) => [asset.name, asset.sha256]));
  const draftAssets = new Map(draft.assets.map((asset) => [asset.name, asset.sha256]));
  const assetsAdded = [...draftAssets].filter(([name, sha]) => liveAssets.get(name) !== sha).map(([name]) => name);
  const assetsRemoved = [...liveAssets.keys()].filter((name) => !draftAssets.has(name));
  const hasChanges =
    !live ||
    meta.length > 0 ||
    assetsAdded.length > 0 ||
    assetsRemoved.length > 0 ||
    modules.some((module) => module.status !== 'unchanged');
  return { isNew: !live, meta, modules, assetsAdded, assetsRemoved, hasChanges };
}
