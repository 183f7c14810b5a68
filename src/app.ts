import { randomUUID } from 'node:crypto';
import path from 'node:path';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import mongoose from 'mongoose';
import { pinoHttp } from 'pino-http';
import { setupAccounts } from './accounts/accounts.setup';
import { setupCertificates } from './certificates/certificates.setup';
import type { Config } from './config';
import { csrfProtection } from './http/csrf';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { ServiceUnavailable } from './http/errors';
import { commandCountRouter, healthRouter } from './http/health.routes';
import { localeMiddleware } from './http/locals';
import { limitUrlLength } from './http/request-limits';
import { homeRouter } from './home/home.routes';
import { coursesRouter } from './courses/courses.routes';
import { learningRouter } from './learning/learning.routes';
import { dashboardRouter } from './learning/dashboard.routes';
import { reportsRouter } from './reports/reports.routes';
import { authoringRouter } from './authoring/authoring.routes';
import { adminRouter } from './admin/admin.routes';
import { readinessRouter } from './readiness/readiness.routes';
import { readinessReportRouter } from './readiness/readiness-report.routes';
import { loadReadinessForApp } from './readiness/readiness-store';
import { cohortsRouter } from './cohorts/cohorts.routes';
import { DiskStorage } from './uploads/storage';
import type { Logger } from './logger';
import { createMailSystem, type MailSystem } from './mail/mail.setup';
import { adminMailRouter } from './admin/admin-mail.routes';

/** `mail`: the server passes the mail system whose worker it starts and stops; without it the app makes its own. */
export type AppDependencies = { config: Config; logger: Logger; mail?: MailSystem };

const projectRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** While the database is down, answer at once with a friendly 503 instead of letting requests hang. */
const requireDatabase: RequestHandler = (_req, _res, next) => {
  next(mongoose.connection.readyState === 1 ? undefined : new ServiceUnavailable());
};

/** Builds the Express app. Importing or calling this touches no database and opens no port. */
export function buildApp({ config, logger, mail = createMailSystem(config, logger) }: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', path.join(projectRoot, 'views'));
  if (config.isProduction) app.enable('view cache');
  app.locals.reportMaxAgeMs = config.reportMaxAgeMinutes * 60_000;

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      strictTransportSecurity: config.baseUrl.startsWith('https://') ? { maxAge: 31536000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      xFrameOptions: { action: 'deny' },
    }),
  );
  app.use(limitUrlLength);
  app.use(compression());
  app.use(
    '/static',
    express.static(path.join(projectRoot, 'public'), {
      maxAge: config.isProduction ? '7d' : 0,
      index: false,
      fallthrough: true,
    }),
  );
  if (config.countDbCommands) app.use(commandCountRouter());
  app.use(healthRouter);
  app.use(cookieParser());
  app.use(localeMiddleware({ secureCookies: config.baseUrl.startsWith('https://') }));
  app.use(requireDatabase);
  // Flat form bodies only: with `extended: false`, `email[$ne]=` stays a key named "email[$ne]" and never becomes an object.
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 100 }));
  // Express 5 leaves req.body undefined when no parser matched (JSON, text, no body): handlers always get an object.
  app.use((req, _res, next) => {
    req.body ??= {};
    next();
  });
  const accounts = setupAccounts({ config, logger, mailer: mail.mailer });
  // Session, absolute timeout, Passport, current user: before CSRF (its token lives in the session) and every router.
  app.use(accounts.middleware);
  app.use(csrfProtection());
  app.use(accounts.router);
  app.use(homeRouter);
  app.use(coursesRouter);
  app.use(learningRouter);
  // Before the dashboard: it adds the learner's cohorts to the dashboard page.
  app.use(cohortsRouter(accounts.context));
  app.use(dashboardRouter);
  // The readiness check's file is read and validated now (files only): a broken one is logged at start-up.
  loadReadinessForApp(app, config.coursesDir, logger);
  app.use(readinessRouter());
  app.use(readinessReportRouter());
  app.use(reportsRouter);
  // Uploaded bytes and the authoring scratch folders live under DATA_DIR; see src/uploads/storage.ts for the seam.
  const authoring = { storage: new DiskStorage(path.join(config.dataDir, 'uploads')), workDir: path.join(config.dataDir, 'tmp') };
  app.use(authoringRouter(authoring));
  // Certificates: /verify and /.well-known/certificate-keys.json are public; downloads need sign-in. Mounted before
  // the admin router, whose `/admin` guard is admins-only, because trainers manage their courses' certificates.
  app.use(setupCertificates({ config, logger }));
  app.use(adminMailRouter());
  app.use(adminRouter(authoring));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
