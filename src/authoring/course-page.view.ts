import type { Lang } from '../courses/course-types';
import type { Translate } from '../i18n/i18n';
import { authorHref, buildProblemList, fieldErrors, formatBytes, moduleHref, type FieldErrors } from './authoring.view';
import type { WorkingCopy } from './draft.service';

/** View model of a course's authoring page: state, problems, modules with their actions, assets, and what to do next. */
export function buildCoursePageView(
  copy: WorkingCopy,
  t: Translate,
  lang: Lang,
  addModule: { values: Record<string, string>; errors: FieldErrors } = { values: {}, errors: {} },
) {
  const { content, slug } = copy;
  const last = content.modules.length - 1;
  return {
    title: content.meta.title[lang] || slug,
    slug,
    liveVersion: copy.live?.version,
    liveHref: copy.live ? `/courses/${encodeURIComponent(slug)}` : undefined,
    isDraft: copy.isDraft,
    revision: copy.revision,
    updatedAt: copy.updatedAt?.toISOString().slice(0, 16).replace('T', ' '),
    problems: buildProblemList(copy, t, lang),
    generalProblems: fieldErrors(copy.problems, 'course', (field) => (field === 'general' ? 'general' : undefined), t).general ?? [],
    modules: content.modules.map((module, index) => ({
      slug: module.slug,
      order: module.order,
      title: module.title[lang] || module.slug,
      otherTitle: module.title[lang === 'en' ? 'zh' : 'en'],
      questionCount: module.quiz?.questions.length ?? 0,
      problemCount: copy.problems.filter(
        (problem) => problem.scope === `module:${module.slug}` || problem.scope.startsWith(`question:${module.slug}:`),
      ).length,
      settingsHref: moduleHref(slug, module.slug),
      enHref: moduleHref(slug, module.slug, '/text/en'),
      zhHref: moduleHref(slug, module.slug, '/text/zh'),
      quizHref: moduleHref(slug, module.slug, '/quiz'),
      moveAction: moduleHref(slug, module.slug, '/move'),
      deleteAction: moduleHref(slug, module.slug, '/delete'),
      isFirst: index === 0,
      isLast: index === last,
    })),
    assets: content.assets.map((asset) => ({
      name: asset.name,
      size: formatBytes(asset.size),
      contentType: asset.contentType,
      href: authorHref(slug, `/assets/${asset.name.split('/').map(encodeURIComponent).join('/')}`),
      snippet: asset.contentType.startsWith('image/')
        ? `![${t('authoring.assets.altPlaceholder')}](assets/${asset.name})`
        : `[${asset.name}](assets/${asset.name})`,
      deleteAction: authorHref(slug, `/assets/${asset.name.split('/').map(encodeURIComponent).join('/')}/delete`),
    })),
    addModule,
    links: {
      settings: authorHref(slug, '/settings'),
      catalogues: authorHref(slug, '/catalogues'),
      changes: authorHref(slug, '/changes'),
      publish: authorHref(slug, '/publish'),
      discard: authorHref(slug, '/discard'),
      addModule: authorHref(slug, '/modules'),
      upload: authorHref(slug, '/assets'),
      exportLive: copy.live ? authorHref(slug, '/export.zip?source=live') : undefined,
      exportDraft: copy.isDraft ? authorHref(slug, '/export.zip?source=draft') : undefined,
    },
  };
}
