import { getLiveCourse } from '../courses/courses.service';
import type { Locale, Translate } from '../i18n/i18n';
import type { FailedMessage } from '../mail/outbox.service';
import type { CsvValue } from '../reports/report-csv';
import type { CohortDoc } from './cohort.model';
import type { LearnerCohort } from './cohort-membership';
import { reminderMail, type ReminderPlan } from './cohort-mail.service';
import type { Roster } from './cohort-roster.service';
import type { CohortSummary, CourseOption, JoinLink } from './cohorts.service';
import { SORT_KEYS, type RosterQuery } from './cohorts.schemas';

type Lang = 'en' | 'zh';
const day = (date: Date) => date.toISOString().slice(0, 10);
const minute = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');
const datesOf = (cohort: Pick<CohortDoc, 'startsOn' | 'endsOn'>, t: Translate) =>
  t('cohorts.dates', { start: day(cohort.startsOn), end: day(cohort.endsOn) });

export function buildCohortListView(cohorts: CohortSummary[], _lang: Lang, t: Translate) {
  return {
    title: t('cohorts.title'),
    cohorts: cohorts.map((cohort) => ({
      name: cohort.name,
      href: `/cohorts/${String(cohort._id)}`,
      dates: datesOf(cohort, t),
      courses: cohort.courseSlugs.join(', '),
    })),
  };
}

const FIELDS = ['name', 'courses', 'startsOn', 'endsOn', 'linkExpiresOn'];

export function buildNewCohortView(
  options: CourseOption[],
  body: Record<string, unknown>,
  errors: { field: string; key: string }[],
  lang: Lang,
  t: Translate,
) {
  const text = (name: string) => (typeof body[name] === 'string' ? body[name] : '');
  const chosen = new Set(Array.isArray(body.courses) ? body.courses.map(String) : typeof body.courses === 'string' ? [body.courses] : []);
  const errorOf = Object.fromEntries(errors.filter((error) => FIELDS.includes(error.field)).map((error) => [error.field, error.key]));
  return {
    title: t('cohorts.new.title'),
    values: { name: text('name'), startsOn: text('startsOn'), endsOn: text('endsOn'), linkExpiresOn: text('linkExpiresOn') },
    courses: options.map((course) => ({
      slug: course.slug,
      title: course.title[lang] || course.title.en,
      checked: chosen.has(course.slug),
    })),
    errors: errorOf,
    summary: Object.entries(errorOf).map(([field, key]) => ({
      field: field === 'courses' ? `course-${options[0]?.slug ?? ''}` : field,
      message: t(key),
    })),
  };
}

const courseTitle = (course: Roster['courses'][number], lang: Lang) => course.title?.[lang] || course.title?.en || course.slug;

/** The roster as a table of plain values: the CSV writes it as is. */
export function rosterTable(roster: Roster, lang: Lang, t: Translate): { header: string[]; rows: CsvValue[][] } {
  return {
    header: [
      t('cohorts.roster.name'),
      t('cohorts.roster.email'),
      ...roster.courses.map((course) => t('cohorts.roster.progress', { course: courseTitle(course, lang) })),
      t('cohorts.roster.average'),
      t('cohorts.roster.lastActivity'),
      t('cohorts.roster.stuck'),
      t('cohorts.roster.certificates'),
      t('cohorts.roster.readiness'),
    ],
    rows: roster.rows.map((row) => [
      row.name,
      row.email,
      ...row.progress.map((percent) => percent),
      row.averagePercent,
      row.lastActivity ? minute(row.lastActivity) : null,
      row.isStuck ? t('cohorts.roster.yes') : t('cohorts.roster.no'),
      row.certificates.map((certificate) => certificate.serial).join(' '),
      row.readiness?.level ?? null,
    ]),
  };
}

const NOTICES: Record<string, string> = {
  invited: 'cohorts.invite.sent',
  removed: 'cohorts.roster.removed',
  reminded: 'cohorts.reminders.sent',
  closed: 'cohorts.link.closedNotice',
  rotated: 'cohorts.link.rotatedNotice',
};

export function buildRosterView(input: {
  cohort: CohortDoc;
  roster: Roster;
  link: JoinLink | undefined;
  query: RosterQuery;
  notice?: string;
  count?: number;
  /** Cohort mail that could not be delivered (recipients partly masked by the outbox). */
  failed?: FailedMessage[];
  /** Readiness level ids to their labels in the page's language (when the readiness check is loaded). */
  levelLabels?: Map<string, string>;
  baseUrl: string;
  lang: Lang;
  t: Translate;
  locale: string;
  invite?: { value: string; error: string };
}) {
  const { cohort, roster, link, query, lang, t } = input;
  const id = String(cohort._id);
  const noticeKey = input.notice ? NOTICES[input.notice] : undefined;
  const sort = query.sort ?? 'name';
  const dir = query.dir ?? 'asc';
  return {
    title: cohort.name,
    id,
    name: cohort.name,
    dates: datesOf(cohort, t),
    courseNames: roster.courses.map((course) => courseTitle(course, lang)).join(', '),
    notice: noticeKey ? t(noticeKey, { count: input.count ?? 0 }) : undefined,
    link: link
      ? {
          url: `${input.baseUrl}/join/${link.code}`,
          expires: link.isExpired ? t('cohorts.link.expired') : t('cohorts.link.expires', { date: minute(link.expiresAt!) }),
        }
      : undefined,
    invite: input.invite ?? { value: '', error: '' },
    sort,
    dir,
    sortOptions: SORT_KEYS.map((key) => ({
      value: key,
      label:
        key === 'name'
          ? t('cohorts.roster.name')
          : key === 'progress'
            ? t('cohorts.roster.average')
            : key === 'activity'
              ? t('cohorts.roster.lastActivity')
              : key === 'certificates'
                ? t('cohorts.roster.certificates')
                : t('cohorts.roster.readiness'),
    })),
    csvHref: `/cohorts/${id}/members.csv?sort=${sort}&dir=${dir}`,
    failedMail: (input.failed ?? []).map((mail) => ({ to: mail.to, subject: mail.subject, when: minute(mail.failedAt) })),
    stuckCount: roster.rows.filter((row) => row.isStuck).length,
    courseHeadings: roster.courses.map((course) => t('cohorts.roster.progress', { course: courseTitle(course, lang) })),
    rows: roster.rows.map((row) => ({
      userId: row.userId,
      name: row.name,
      email: row.email,
      progress: row.progress.map((percent) => (percent === null ? t('cohorts.roster.notEnrolled') : `${percent}%`)),
      average: `${row.averagePercent}%`,
      lastActivity: row.lastActivity ? minute(row.lastActivity) : t('cohorts.roster.never'),
      isStuck: row.isStuck,
      certificates: row.certificates.map((certificate) => certificate.serial),
      readiness: row.readiness ? (input.levelLabels?.get(row.readiness.level) ?? row.readiness.level) : t('cohorts.roster.readinessNone'),
      removeAction: `/cohorts/${id}/members/${row.userId}/remove`,
    })),
  };
}

export function buildRemindersView(plan: ReminderPlan, locale: Locale, baseUrl: string, _lang: Lang, t: Translate) {
  const first = plan.recipients[0];
  const preview = reminderMail(plan.cohort, { name: first?.name ?? t('cohorts.roster.name') }, locale, baseUrl);
  return {
    title: t('cohorts.reminders.title'),
    id: String(plan.cohort._id),
    name: plan.cohort.name,
    recipients: plan.recipients.map((row) => ({
      name: row.name,
      email: row.email,
      lastActivity: row.lastActivity ? minute(row.lastActivity) : t('cohorts.roster.never'),
    })),
    already: plan.alreadyReminded.map((row) => ({ name: row.name, email: row.email })),
    preview,
  };
}

export async function buildJoinView(
  cohort: CohortDoc,
  state: { action: string; isSignedIn: boolean; isMember: boolean; kind: 'link' | 'invitation' },
  lang: Lang,
  t: Translate,
) {
  const courses = await Promise.all(cohort.courseSlugs.map((slug) => getLiveCourse(slug)));
  return {
    title: t('cohorts.join.title', { cohort: cohort.name }),
    name: cohort.name,
    about: t('cohorts.join.about', { start: day(cohort.startsOn), end: day(cohort.endsOn) }),
    courses: courses.flatMap((course) =>
      course ? [{ title: course.title[lang] || course.title.en, href: `/courses/${course.courseSlug}` }] : [],
    ),
    ...state,
    loginHref: `/login?next=${encodeURIComponent(state.action)}`,
    help: state.kind === 'invitation' ? t('cohorts.join.invitationHelp') : t('cohorts.join.registerHelp'),
  };
}

/** The dashboard's "Your cohorts": each cohort's dates and its live courses. */
export async function buildLearnerCohortsView(cohorts: LearnerCohort[], lang: Lang) {
  return Promise.all(
    cohorts.map(async (cohort) => {
      const courses = await Promise.all(cohort.courseSlugs.map((slug) => getLiveCourse(slug)));
      return {
        name: cohort.cohortName,
        start: day(cohort.startsOn),
        end: day(cohort.endsOn),
        courses: courses.flatMap((course) =>
          course ? [{ title: course.title[lang] || course.title.en, href: `/courses/${course.courseSlug}` }] : [],
        ),
      };
    }),
  );
}
