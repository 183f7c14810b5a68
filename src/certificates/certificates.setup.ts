import { Router } from 'express';
import type { Config } from '../config';
import { registerCertificateLookup } from '../learning/certificate-links';
import { onCourseCompleted, type CourseCompletedEvent } from '../learning/course-events';
import type { Logger } from '../logger';
import { adminCertificatesRoutes } from './admin-certificates.routes';
import { configureCertificates } from './certificates.context';
import { certificatesRoutes } from './certificates.routes';
import { certificateLinks, issueCertificate } from './certificates.service';
import { verifyRoutes } from './verify.routes';

/**
 * Wires certificates into an app: configuration for the service (the signing key is read on first use), the public
 * verification routes, the learner's downloads and the admin pages. Mount after the session and CSRF middleware.
 */
/** Issues the certificate when the learning feature reports a completed course (idempotent, so safe to re-run). */
async function issueOnCompletion(event: CourseCompletedEvent): Promise<void> {
  await issueCertificate(event);
}

export function setupCertificates({ config, logger }: { config: Config; logger: Logger }): Router {
  configureCertificates(config, logger);
  onCourseCompleted(issueOnCompletion);
  registerCertificateLookup(certificateLinks);
  const router = Router();
  router.use(verifyRoutes({ limitPerMinute: config.certVerifyLimitPerMinute }));
  router.use(certificatesRoutes());
  router.use(adminCertificatesRoutes());
  return router;
}
