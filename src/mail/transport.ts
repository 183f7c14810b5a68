import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config';
import type { Logger } from '../logger';

/** One message as the worker hands it over; `id` becomes the Message-ID, the same on every retry. */
export type Envelope = { id: string; to: string; subject: string; text: string; lang: string };

/** Delivers one message or throws; the outbox worker decides about retries. */
export type MailTransport = { deliver(envelope: Envelope): Promise<void> };

/** Masks a recipient for pages and logs: `z***@example.org`. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/**
 * An error as it may be stored and shown to admins: no user name or password of SMTP_URL (nodemailer does not put
 * them in messages, but a server's reply or a future version might echo them), no URL credentials, one short line.
 */
export function describeFailure(error: unknown, smtpUrl: string | undefined): string {
  const raw = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  let text = `${typeof code === 'string' ? `${code}: ` : ''}${raw}`.replace(/\s+/g, ' ');
  text = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@\s/]*@/gi, '$1***@');
  if (smtpUrl) {
    const url = new URL(smtpUrl);
    const decoded = (part: string) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    };
    for (const secret of [url.username, url.password, decoded(url.password), decoded(url.username)]) {
      if (secret.length >= 3) text = text.split(secret).join('***');
    }
  }
  return text.slice(0, 300) || 'unknown error';
}

const headersOf = (envelope: Envelope, config: Config) => ({
  from: config.mailFrom,
  to: envelope.to,
  subject: envelope.subject,
  text: envelope.text,
  messageId: `<${envelope.id}@${new URL(config.baseUrl).hostname}>`,
  headers: { 'Content-Language': envelope.lang },
});

/**
 * SMTP when SMTP_URL is set (never logged: it may hold credentials). Its timeouts stay well inside the claim lease, so
 * a hung server fails the attempt before another process may take the message over. Without SMTP_URL each message
 * is written to DATA_DIR/mail/<timestamp>-<random>.eml (a developer, or a test, opens the link in it), and outside
 * production its text also goes to the log; in production the text is not logged: it holds one-time links.
 */
export function createTransport(config: Config, logger: Logger): MailTransport {
  if (config.smtpUrl) {
    const timeout = Math.max(1000, Math.min(60_000, Math.floor(config.mailLeaseMs / 4)));
    const smtp = nodemailer.createTransport({
      url: config.smtpUrl,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    return {
      async deliver(envelope) {
        await smtp.sendMail(headersOf(envelope, config));
      },
    };
  }
  if (config.isProduction) logger.warn('SMTP_URL is not set: mail is written to DATA_DIR/mail instead of being sent');
  const files = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const mailDir = path.join(config.dataDir, 'mail');
  return {
    async deliver(envelope) {
      // Quoted-printable keeps the .eml readable in an editor, links included.
      const info = await files.sendMail({ ...headersOf(envelope, config), textEncoding: 'quoted-printable' });
      await mkdir(mailDir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(mailDir, `${stamp}-${randomBytes(3).toString('hex')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      const details = config.isProduction ? {} : { text: envelope.text };
      logger.info(
        { mail: { id: envelope.id, to: maskAddress(envelope.to), subject: envelope.subject, file, ...details } },
        'mail written to file (SMTP_URL not set)',
      );
    },
  };
}
