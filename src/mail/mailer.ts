/** What a message is about: cohort mail is also shown to the cohort's trainer when it cannot be delivered. */
export const mailCategories = ['account', 'cohort-invitation', 'cohort-reminder', 'cohort-added'] as const;
export type MailCategory = (typeof mailCategories)[number];

export type OutgoingMail = {
  to: string;
  subject: string;
  /** Plain text: it may hold one-time links, so it is stored sealed and never shown on a page or in a log in production. */
  text: string;
  /** Sent as the Content-Language header (`en`, `zh-CN`). */
  lang: string;
  cohortId?: string;
  category?: MailCategory;
};

/**
 * What services need to send mail. The app's mailer stores the message in the outbox (once `send` resolves the message
 * is in the database and will be delivered, retried or listed as failed) and nudges the worker; tests and scripts may
 * pass their own.
 */
export type Mailer = { send(mail: OutgoingMail): Promise<void> };
