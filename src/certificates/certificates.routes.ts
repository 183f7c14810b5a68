import { Router, type RequestHandler, type Response } from 'express';
import { requireRole, requireUser } from '../accounts/auth.middleware';
import { canManageCourse } from '../access/course-access';
import { Conflict, Forbidden, Gone, HttpError, NotFound } from '../http/errors';
import { isRecordSignatureValid } from './certificate-signature';
import type { CertificateDoc } from './certificate.model';
import { certificateSettings, credentialKeys, keyRing } from './certificates.context';
import { serialParams } from './certificates.schemas';
import { parseParams } from '../http/request';
import { certificatePdf, findCertificate, listLearnerCertificates } from './certificates.service';
import { toCertificateView } from './certificate-view';
import { buildLearnerCertificatesView } from './certificates.view';
import { signCredentialJwt } from './credential';
import { checkRecordStatus } from './status-log.service';

const requireStaff = requireRole('trainer', 'admin');

/** Loads the certificate named by :serial into res.locals; 404 for a malformed or unknown serial. */
const loadCertificate: RequestHandler = async (req, res, next) => {
  const { serial } = parseParams(serialParams, req.params);
  const doc = await findCertificate(serial);
  if (!doc) throw new NotFound();
  res.locals.certificate = doc;
  next();
};

/** The certificate loadCertificate put on the response; routes mount it first. */
function loadedCertificate(res: Response): CertificateDoc {
  if (!res.locals.certificate) throw new NotFound();
  return res.locals.certificate;
}

/**
 * The holder may download their certificate; anyone else must be staff: an admin, or a trainer assigned to the
 * certificate's course. A revoked or replaced certificate is no longer handed out, except to staff.
 */
const requireOwnerOrStaff: RequestHandler = (req, res, next) => {
  const doc = loadedCertificate(res);
  if (req.user?.id !== doc.learnerId) {
    requireStaff(req, res, (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      canManageCourse({ id: req.user!.id, role: req.user!.role }, doc.courseSlug).then(
        (allowed) => next(allowed ? undefined : new Forbidden()),
        next,
      );
    });
    return;
  }
  if (doc.status !== 'valid') throw new Gone('certificates.gone');
  next();
};

/**
 * The status log decides whether a certificate still holds: a record rolled back to an older signed state, or a
 * database that disagrees with the log's head, hands out nothing (503, logged at error level).
 */
const requireTrustedStatus: RequestHandler = async (req, res, next) => {
  const doc = loadedCertificate(res);
  // An altered record is refused by the handlers themselves (409).
  if (!isRecordSignatureValid(keyRing(), doc)) {
    next();
    return;
  }
  const lookup = await checkRecordStatus(doc);
  if (!lookup.ok) throw new HttpError(503, 'certificates.integrityError');
  if (lookup.entry && req.user?.id === doc.learnerId) throw new Gone('certificates.gone');
  next();
};

function attachment(filename: string): string {
  return `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '')}"`;
}

/** The signed-in learner's certificates, and the downloads (PDF and Open Badges credential). */
export function certificatesRoutes(): Router {
  const router = Router();

  router.get('/certificates', requireUser, async (req, res) => {
    const certificates = await listLearnerCertificates(req.user!.id);
    res.set('Cache-Control', 'no-store');
    res.render('certificates/index', buildLearnerCertificatesView(certificates, res.locals.t, res.locals.locale));
  });

  router.get('/certificates/:serial.pdf', requireUser, loadCertificate, requireOwnerOrStaff, requireTrustedStatus, async (_req, res) => {
    const doc = loadedCertificate(res);
    const pdf = await certificatePdf(doc);
    if (!pdf) throw new Conflict('verify.status.invalid.body');
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': attachment(`${doc.serial}.pdf`),
      'Content-Length': String(pdf.length),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(pdf);
  });

  router.get(
    '/certificates/:serial/credential.jwt',
    requireUser,
    loadCertificate,
    requireOwnerOrStaff,
    requireTrustedStatus,
    (_req, res) => {
      const doc = loadedCertificate(res);
      // A credential states that the certificate holds: only for a valid one, and never for an altered record
      // (signing it would launder the alteration).
      if (doc.status !== 'valid') throw new Gone('certificates.gone');
      if (!isRecordSignatureValid(keyRing(), doc)) throw new Conflict('verify.status.invalid.body');
      const jwt = signCredentialJwt(toCertificateView(doc), certificateSettings().baseUrl, credentialKeys());
      res.set({
        'Content-Type': 'application/jwt',
        'Content-Disposition': attachment(`${doc.serial}-credential.jwt`),
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.send(jwt);
    },
  );

  return router;
}
