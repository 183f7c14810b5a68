import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config';
import type { Logger } from '../logger';

export type OutgoingMail = { to: string; subject: string; text: string; lang: string };

/** What services need to send mail; tests and scripts can pass their own. */
export type Mailer = { send(mail: OutgoingMail): Promise<void> };

/**
 * SMTP when SMTP_URL is set. Otherwise each message is rendered by nodemailer's stream transport and written to
 * DATA_DIR/mail/<timestamp>-<random>.eml (so a developer, or a test, can open the link it contains), and outside
 * production its text also goes to the log. In production without SMTP the text is not logged: it holds one-time
 * links.
 */
export function createMailer(config: Config, logger: Logger): Mailer {
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail({
          from: config.mailFrom,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          headers: { 'Content-Language': mail.lang },
        });
      },
    };
  }
  if (config.isProduction) logger.warn('SMTP_URL is not set: mail is written to DATA_DIR/mail instead of being sent');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const mailDir = path.join(config.dataDir, 'mail');
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: config.mailFrom,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        // Quoted-printable keeps the .eml readable in an editor, links included.
        textEncoding: 'quoted-printable',
        headers: { 'Content-Language': mail.lang },
      });
      await mkdir(mailDir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(mailDir, `${stamp}-${randomBytes(3).toString('hex')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      const details = config.isProduction ? {} : { text: mail.text };
      logger.info({ mail: { to: mail.to, subject: mail.subject, file, ...details } }, 'mail written to file (SMTP_URL not set)');
    },
  };
}
