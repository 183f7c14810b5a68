import { AuditEntry, type AuditEntryDoc } from './audit.model';

export type AuditInput = {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

/** Dates become ISO strings and undefined members disappear, so snapshots store the same on MongoDB and FerretDB. */
function snapshot(value: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!value) return null;
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** Records one change in the audit log. */
export async function recordAudit(input: AuditInput, now = new Date()): Promise<void> {
  await AuditEntry.create({
    actorId: input.actorId,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId,
    before: snapshot(input.before),
    after: snapshot(input.after),
    createdAt: now,
  });
}

/** The changes made to one target, newest first. */
export async function listAuditEntries(targetId: string, limit = 50): Promise<AuditEntryDoc[]> {
  return AuditEntry.find({ targetId }, { _id: 0 }).sort({ createdAt: -1 }).limit(limit).lean<AuditEntryDoc[]>();
}
