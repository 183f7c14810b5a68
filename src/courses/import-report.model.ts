import mongoose, { Schema } from 'mongoose';
import type { Problem } from './course-types';

export type ImportReportDoc = { courseSlug: string; problems: Problem[]; checkedAt: Date };

/** The latest validation problems of each course folder, shown to admins; empty when the course imported cleanly. */
const importReportSchema = new Schema<ImportReportDoc>(
  {
    courseSlug: { type: String, required: true },
    problems: [{ _id: false, file: String, line: Number, message: String }],
    checkedAt: { type: Date, required: true },
  },
  { collection: 'courseImportReports' },
);
// Admin page and importer address reports by course.
importReportSchema.index({ courseSlug: 1 }, { unique: true });

export const ImportReport = mongoose.model<ImportReportDoc>('ImportReport', importReportSchema);
