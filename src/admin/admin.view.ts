import type { Lang } from '../courses/course-types';
import type { ImportReportDoc } from '../courses/import-report.model';
import type { Translate } from '../i18n/i18n';
import type { AuditRow } from './audit-log.service';
import type { StaffRow } from './staff.service';
import type { UserPage } from './users.service';

export type Pager = { page: number; pageCount: number; previous?: string; next?: string };

/** Previous and next links of a paged list, keeping its non-empty filters. */
export function pageLinks(base: string, params: Record<string, string>, page: number, pageCount: number): Pager {
  const kept = Object.fromEntries(Object.entries(params).filter(([, value]) => value));
  const href = (n: number) => `${base}?${new URLSearchParams({ ...kept, page: String(n) }).toString()}`;
  return { page, pageCount, previous: page > 1 ? href(page - 1) : undefined, next: page < pageCount ? href(page + 1) : undefined };
}

const dateTime = (date: Date, length: 16 | 19) => date.toISOString().replace('T', ' ').slice(0, length);

export function usersView(result: UserPage, q: string) {
  return {
    q,
    total: result.total,
    back: `/admin/users?${new URLSearchParams({ q, page: String(result.page) }).toString()}`,
    users: result.users.map((user) => ({
      ...user,
      action: `/admin/users/${user.id}/role`,
      createdAt: user.createdAt?.toISOString().slice(0, 10),
    })),
    pager: pageLinks('/admin/users', { q }, result.page, result.pageCount),
  };
}

export function auditView(result: { entries: AuditRow[]; page: number; pageCount: number }, action: string, t: Translate) {
  return {
    entries: result.entries.map((entry) => ({
      at: dateTime(entry.createdAt, 19),
      action: entry.action,
      target: `${entry.targetType}:${entry.targetId}`,
      actor: entry.actorName ? `${entry.actorName} <${entry.actorEmail ?? ''}>` : (entry.actorId ?? t('admin.audit.system')),
      before: entry.before ? JSON.stringify(entry.before) : '',
      after: entry.after ? JSON.stringify(entry.after) : '',
    })),
    pager: pageLinks('/admin/audit', { action }, result.page, result.pageCount),
  };
}

export function courseStaffView(rows: StaffRow[], lang: Lang) {
  return rows.map((row) => ({
    slug: row.slug,
    title: row.title[lang] || row.slug,
    assignAction: `/admin/courses/${row.slug}/staff`,
    trainers: row.trainers.map((trainer) => ({ ...trainer, removeAction: `/admin/courses/${row.slug}/staff/${trainer.id}/delete` })),
  }));
}

export function importReportsView(reports: ImportReportDoc[]) {
  return reports.map((report) => ({
    slug: report.courseSlug,
    checkedAt: dateTime(report.checkedAt, 16),
    problems: report.problems.map((problem) => `${problem.file}:${problem.line}: ${problem.message}`),
  }));
}
