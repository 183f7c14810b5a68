import { Types } from 'mongoose';
import { User } from '../accounts/user.model';
import { AuditEntry, type AuditEntryDoc } from '../audit/audit.model';
import { assertAdmin, type Actor } from '../access/course-access';

export const AUDIT_PAGE_SIZE = 50;

export type AuditRow = AuditEntryDoc & { actorName?: string; actorEmail?: string };

/** The audit log, newest first, one page at a time, optionally only one action. */
export async function listAuditLog(
  actor: Actor,
  input: { page: number; action?: string },
): Promise<{ entries: AuditRow[]; page: number; pageCount: number; actions: string[] }> {
  assertAdmin(actor);
  const filter = input.action ? { action: input.action } : {};
  const [total, actions] = await Promise.all([AuditEntry.countDocuments(filter), AuditEntry.distinct('action')]);
  const pageCount = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const page = Math.min(input.page, pageCount);
  const entries = await AuditEntry.find(filter, { _id: 0 })
    .sort({ createdAt: -1 })
    .skip((page - 1) * AUDIT_PAGE_SIZE)
    .limit(AUDIT_PAGE_SIZE)
    .lean<AuditEntryDoc[]>();
  // Actors of one page, by a second query on their ids (no $lookup on FerretDB).
  const ids = [
    ...new Set(entries.map((entry) => entry.actorId).filter((id): id is string => Boolean(id) && Types.ObjectId.isValid(id as string))),
  ];
  const users = await User.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }, { name: 1, email: 1 }).lean();
  const byId = new Map(users.map((user) => [String(user._id), user]));
  return {
    entries: entries.map((entry) => ({
      ...entry,
      actorName: entry.actorId ? byId.get(entry.actorId)?.name : undefined,
      actorEmail: entry.actorId ? byId.get(entry.actorId)?.email : undefined,
    })),
    page,
    pageCount,
    actions: (actions as string[]).sort(),
  };
}
