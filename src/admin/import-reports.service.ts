import { assertAdmin, type Actor } from '../access/course-access';
import { ImportReport, type ImportReportDoc } from '../courses/import-report.model';

/** The importer's last word on each course folder: what it found wrong, by course. */
export async function listImportReports(actor: Actor): Promise<ImportReportDoc[]> {
  assertAdmin(actor);
  return ImportReport.find({}, { _id: 0 }).sort({ courseSlug: 1 }).lean<ImportReportDoc[]>();
}
