import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Types } from 'mongoose';
import type { Mailer } from '../mail/mailer';
import { User } from '../accounts/user.model';
import type { Actor } from '../access/course-access';
import { isDuplicateKey } from '../db/duplicate-key';
import { NotFound } from '../http/errors';
import { isLocale, translator, type Locale } from '../i18n/i18n';
import { Cohort, CohortInvitation, CohortReminder, type CohortDoc } from './cohort.model';
import { buildRoster, isoWeekOf, type RosterRow } from './cohort-roster.service';
import { addMember, requireManagedCohort } from './cohorts.service';

export type CohortMailContext = { mailer: Mailer; baseUrl: string; locale: Locale };

const INVITATION_LIFETIME_MS = 30 * 24 * 3600 * 1000;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const localeOf = (value: unknown, fallback: Locale): Locale => (isLocale(value) ? value : fallback);
const dateText = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Invites addresses to a cohort. Known addresses become members and get a "you were added" mail; unknown ones get
 * an invitation to register, kept under the address (and a link token) until it is used. The caller answers the
 * same way for both before this runs (in the background), so neither the answer nor its timing says which
 * addresses have accounts.
 */
export async function inviteAddresses(actor: Actor, cohort: CohortDoc, addresses: string[], context: CohortMailContext): Promise<void> {
  const known = await User.find({ email: { $in: addresses } }, { email: 1, name: 1, profile: 1 }).lean();
  const byEmail = new Map(known.map((user) => [user.email, user]));
  for (const email of addresses) {
    const user = byEmail.get(email);
    if (user) {
      const isNew = await addMember(cohort, String(user._id), 'added');
      if (!isNew) continue;
      const locale = localeOf(user.profile?.preferredLanguage, context.locale);
      const t = translator(locale);
      await context.mailer.send({
        to: email,
        lang: locale,
        cohortId: String(cohort._id),
        category: 'cohort-added',
        subject: t('cohorts.mail.added.subject', { cohort: cohort.name }),
        text: t('cohorts.mail.added.body', {
          name: user.name,
          cohort: cohort.name,
          start: dateText(cohort.startsOn),
          end: dateText(cohort.endsOn),
          link: `${context.baseUrl}/dashboard`,
        }),
      });
      continue;
    }
    const token = randomBytes(32).toString('base64url');
    await CohortInvitation.create({
      cohortId: cohort._id,
      email,
      tokenHash: hashToken(token),
      invitedBy: new Types.ObjectId(actor.id),
      expiresAt: new Date(Date.now() + INVITATION_LIFETIME_MS),
    });
    const t = translator(context.locale);
    await context.mailer.send({
      to: email,
      lang: context.locale,
      cohortId: String(cohort._id),
      category: 'cohort-invitation',
      subject: t('cohorts.mail.invite.subject', { cohort: cohort.name }),
      text: t('cohorts.mail.invite.body', {
        cohort: cohort.name,
        start: dateText(cohort.startsOn),
        end: dateText(cohort.endsOn),
        register: `${context.baseUrl}/register`,
        link: `${context.baseUrl}/invitations/${token}`,
      }),
    });
  }
}

/** The cohort an invitation link opens; NotFound when the token is unknown or expired. */
export async function cohortForInvitation(token: string, now = new Date()): Promise<CohortDoc> {
  const invitation = await CohortInvitation.findOne({ tokenHash: hashToken(token) }).lean();
  if (!invitation || invitation.expiresAt <= now) throw new NotFound();
  const cohort = await Cohort.findById(invitation.cohortId).lean<CohortDoc>();
  if (!cohort) throw new NotFound();
  return cohort;
}

/** Uses an invitation link for the signed-in user: they become a member and the invitation is spent. */
export async function acceptInvitation(token: string, userId: string): Promise<CohortDoc> {
  const cohort = await cohortForInvitation(token);
  await addMember(cohort, userId, 'invitation');
  await CohortInvitation.deleteOne({ tokenHash: hashToken(token) });
  return cohort;
}

/** A confirmed registration: every open invitation to that address makes the new account a member. */
export async function acceptInvitationsForAddress(userId: string, email: string, now = new Date()): Promise<number> {
  const invitations = await CohortInvitation.find({ email: email.toLowerCase() }).lean();
  const open = invitations.filter((invitation) => invitation.expiresAt > now);
  if (!open.length) return 0;
  const cohorts = await Cohort.find({ _id: { $in: open.map((invitation) => invitation.cohortId) } }).lean<CohortDoc[]>();
  for (const cohort of cohorts) await addMember(cohort, userId, 'invitation');
  await CohortInvitation.deleteMany({ _id: mongoose.trusted({ $in: open.map((invitation) => invitation._id) }) });
  return cohorts.length;
}

export type ReminderPlan = { cohort: CohortDoc; recipients: RosterRow[]; alreadyReminded: RosterRow[]; isoWeek: string };

/** Who a reminder would go to now: stuck members not reminded this week (by any cohort). */
export async function planReminders(actor: Actor, cohortId: string, now = new Date()): Promise<ReminderPlan> {
  const cohort = await requireManagedCohort(actor, cohortId);
  const { rows } = await buildRoster(cohort, now);
  const stuck = rows.filter((row) => row.isStuck);
  return {
    cohort,
    recipients: stuck.filter((row) => !row.remindedThisWeek),
    alreadyReminded: stuck.filter((row) => row.remindedThisWeek),
    isoWeek: isoWeekOf(now),
  };
}

/** The reminder's subject and text for one learner, in their language. */
export function reminderMail(cohort: CohortDoc, row: Pick<RosterRow, 'name'>, locale: Locale, baseUrl: string) {
  const t = translator(locale);
  return {
    subject: t('cohorts.mail.reminder.subject', { cohort: cohort.name }),
    text: t('cohorts.mail.reminder.body', {
      name: row.name,
      cohort: cohort.name,
      end: dateText(cohort.endsOn),
      link: `${baseUrl}/dashboard`,
    }),
  };
}

/**
 * Sends the reminder to each stuck member not reminded this week. Each send first inserts a reminder record behind
 * the unique index {userId, isoWeek}; only the request whose insert wins sends, so concurrent clicks (or two
 * cohorts) cannot remind a learner twice in a week. Returns how many were sent by this call.
 */
export async function sendReminders(actor: Actor, cohortId: string, context: CohortMailContext, now = new Date()): Promise<number> {
  const plan = await planReminders(actor, cohortId, now);
  let sent = 0;
  for (const row of plan.recipients) {
    try {
      await CohortReminder.create({
        userId: new Types.ObjectId(row.userId),
        isoWeek: plan.isoWeek,
        cohortId: plan.cohort._id,
        sentBy: new Types.ObjectId(actor.id),
        sentAt: now,
      });
    } catch (error) {
      if (isDuplicateKey(error)) continue;
      throw error;
    }
    const locale = localeOf(row.language, 'en');
    await context.mailer.send({
      to: row.email,
      lang: locale,
      cohortId,
      category: 'cohort-reminder',
      ...reminderMail(plan.cohort, row, locale, context.baseUrl),
    });
    sent += 1;
  }
  return sent;
}
