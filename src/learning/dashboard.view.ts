import type { CatalogueEntry } from '../courses/courses.service';
import type { Lang } from '../courses/course-types';
import type { Translate } from '../i18n/i18n';
import type { DashboardCourse, ReadinessHint } from './dashboard.service';
import { certificateLinksFor } from './certificate-links';

function formatDate(date: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** View model of the dashboard, with a single next-step suggestion. */
export async function buildDashboardView(
  dashboard: { inProgress: DashboardCourse[]; completed: DashboardCourse[]; catalogue: CatalogueEntry[]; readiness?: ReadinessHint },
  user: { id: string; name: string },
  lang: Lang,
  t: Translate,
  locale: string,
) {
  const card = ({ course, state }: DashboardCourse) => ({
    title: course.title[lang],
    href: `/courses/${course.courseSlug}`,
    percent: state.percent,
    continueHref: state.continueModule ? `/courses/${course.courseSlug}/modules/${state.continueModule}` : `/courses/${course.courseSlug}`,
  });
  const certificates = await certificateLinksFor(
    user.id,
    dashboard.completed.map((row) => ({
      courseSlug: row.course.courseSlug,
      courseVersion: row.enrolment.completedVersion ?? row.course.version,
    })),
  );
  const enrolled = new Set([...dashboard.inProgress, ...dashboard.completed].map((row) => row.course.courseSlug));
  const fresh = dashboard.catalogue.filter((course) => !enrolled.has(course.slug));
  const current = dashboard.inProgress[0];
  // With nothing in progress: the courses the readiness check links from the weakest areas, else a beginner course.
  const fromReadiness = dashboard.readiness?.courses.map((slug) => fresh.find((course) => course.slug === slug)).find(Boolean);
  const firstNew = fresh.find((course) => course.level === 'beginner') ?? fresh[0];
  const nextStep = current
    ? { text: t('dashboard.nextStepContinue', { course: current.course.title[lang] }), href: card(current).continueHref }
    : fromReadiness
      ? { text: t('readiness.dashboard.suggest', { course: fromReadiness.title[lang] }), href: `/courses/${fromReadiness.slug}` }
      : firstNew
        ? {
            text: dashboard.completed.length ? t('dashboard.nextStepDone') : t('dashboard.nextStepStart', { course: firstNew.title[lang] }),
            href: `/courses/${firstNew.slug}`,
          }
        : undefined;
  return {
    title: t('dashboard.title'),
    name: user.name,
    nextStep,
    readinessInvite: dashboard.readiness ? !dashboard.readiness.hasResult : false,
    inProgress: dashboard.inProgress.map(card),
    completed: dashboard.completed.map((row) => ({
      ...card(row),
      completedOn: row.enrolment.completedAt ? formatDate(row.enrolment.completedAt, locale) : '',
      certificateHref: certificates.get(row.course.courseSlug),
    })),
  };
}
