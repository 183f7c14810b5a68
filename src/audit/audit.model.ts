import mongoose, { Schema } from 'mongoose';

/**
 * One change made to something that matters (a certificate revoked, corrected, issued...). Insert-only: entries
 * are never updated, so concurrent writers cannot lose one (FerretDB applies updates without a lock).
 */
export type AuditEntryDoc = {
  /** The user who made the change; null for the system (for example an automatic issue on course completion). */
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  createdAt: Date;
};

const auditEntrySchema = new Schema<AuditEntryDoc>(
  {
    actorId: { type: String, default: null },
    action: { type: String, required: true },
    targetType: { type: String, required: true },
    targetId: { type: String, required: true },
    before: { type: Object, default: null },
    after: { type: Object, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'auditEntries', versionKey: false, minimize: false },
);
// The audit log, newest first, and clean-up by date.
auditEntrySchema.index({ createdAt: -1 });
// The history of one target (a certificate's serial, a user's id), newest first.
auditEntrySchema.index({ targetId: 1, createdAt: -1 });

export const AuditEntry = mongoose.model<AuditEntryDoc>('AuditEntry', auditEntrySchema);
