import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Mailer } from './mailer';
import { enqueueMail } from './outbox.service';
import { createOutboxWorker, type OutboxWorker } from './outbox.worker';
import { createSealer } from './seal';
import { createTransport, type MailTransport } from './transport';

export type MailSystem = { mailer: Mailer; worker: OutboxWorker };

/**
 * The app's mail: `mailer.send` stores the message in the outbox and nudges this process's worker, which delivers
 * through SMTP (or DATA_DIR/mail without SMTP_URL). The server starts the worker's polling with the app and stops it
 * on shutdown; an app built without the server (tests) delivers on nudges only.
 */
export function createMailSystem(config: Config, logger: Logger, transport: MailTransport = createTransport(config, logger)): MailSystem {
  const sealer = createSealer(config.sessionSecret);
  const worker = createOutboxWorker({
    transport,
    sealer,
    logger,
    worker: `${process.pid}-${randomBytes(4).toString('hex')}`,
    retryDelaysMs: config.mailRetryDelaysMs,
    leaseMs: config.mailLeaseMs,
    smtpUrl: config.smtpUrl,
    pollMs: config.mailPollMs,
    keepMs: config.mailKeepMs,
  });
  return {
    worker,
    mailer: {
      async send(mail) {
        await enqueueMail(mail, sealer);
        worker.nudge();
      },
    },
  };
}
