import { destroyUserSessions } from '../accounts/session.model';
import { Types } from 'mongoose';
import { User, type Role } from '../accounts/user.model';
import { recordAudit } from '../audit/audit.service';
import { assertAdmin, type Actor } from '../access/course-access';
import { Conflict, NotFound } from '../http/errors';

export const USERS_PAGE_SIZE = 25;

export type UserRow = { id: string; name: string; email: string; role: Role; createdAt?: Date };
export type UserPage = { users: UserRow[]; page: number; pageCount: number; total: number };

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Users whose name or email contains `query` (case-insensitive), by email, one page at a time. */
export async function listUsers(actor: Actor, input: { query: string; page: number }): Promise<UserPage> {
  assertAdmin(actor);
  const pattern = input.query ? { $regex: escapeRegex(input.query), $options: 'i' } : undefined;
  const filter = pattern ? { $or: [{ email: pattern }, { name: pattern }] } : {};
  const total = await User.countDocuments(filter);
  const pageCount = Math.max(1, Math.ceil(total / USERS_PAGE_SIZE));
  const page = Math.min(input.page, pageCount);
  const rows = await User.find(filter, { name: 1, email: 1, role: 1, createdAt: 1 })
    .sort({ email: 1 })
    .skip((page - 1) * USERS_PAGE_SIZE)
    .limit(USERS_PAGE_SIZE)
    .lean();
  return {
    users: rows.map((row) => ({ id: String(row._id), name: row.name, email: row.email, role: row.role, createdAt: row.createdAt })),
    page,
    pageCount,
    total,
  };
}

/**
 * Changes a user's role and records it in the audit log. Admins cannot change their own role, so the last admin
 * can never lock everyone out by accident. The user's sessions end (they sign in again under the new role), so no
 * session outlives a privilege change.
 */
export async function changeUserRole(actor: Actor, userId: string, role: Role): Promise<{ before: Role; after: Role }> {
  assertAdmin(actor);
  if (!Types.ObjectId.isValid(userId)) throw new NotFound();
  if (userId === actor.id) throw new Conflict('admin.roles.notSelf');
  const user = await User.findById(userId, { role: 1, email: 1 }).lean();
  if (!user) throw new NotFound();
  if (user.role === role) return { before: role, after: role };
  await User.updateOne({ _id: user._id }, { $set: { role } });
  await destroyUserSessions(user._id);
  await recordAudit({
    actorId: actor.id,
    action: 'user.role.change',
    targetType: 'user',
    targetId: userId,
    before: { role: user.role },
    after: { role, email: user.email },
  });
  return { before: user.role, after: role };
}
