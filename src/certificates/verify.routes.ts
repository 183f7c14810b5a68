import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { FixedWindowLimiter, limitByIp } from '../http/rate-limit';
import { formatCode, parseCode } from './certificate-code';
import { certificateSettings, credentialKeys, keyRing } from './certificates.context';
import { rsaJwk } from './credential-keys';
import { HttpError, NotFound } from '../http/errors';
import { STATUS_LIST_PATTERN, statusListJwt } from './status-list.service';
import { buildVerificationView, verificationJson, type VerifyOutcome } from './certificates.view';
import { publicJwks } from './signing-keys';
import { verifyCode, verifyPdfFile, type FileVerdict } from './verification.service';
import { wantsJson } from '../http/request';

export const MAX_PDF_BYTES = 5 * 1024 * 1024;

/** Verdicts change (revocation) and name people: never cached, never indexed by search engines. */
function privateVerdict(res: Response): void {
  res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow' });
}

type FormState = { status?: number; code?: string; codeError?: string; uploadError?: string };

function renderForm(req: Request, res: Response, state: FormState = {}): void {
  const t = res.locals.t;
  privateVerdict(res);
  const status = state.status ?? 200;
  if (wantsJson(req)) {
    res.status(status).json({ error: { status, message: t(state.codeError ?? state.uploadError ?? 'verify.title') } });
    return;
  }
  res.status(status).render('verify/index', {
    title: t('verify.title'),
    intro: t('verify.intro', { issuer: certificateSettings().issuerName }),
    code: state.code ?? '',
    codeError: state.codeError ? t(state.codeError) : '',
    uploadError: state.uploadError ? t(state.uploadError) : '',
    maxBytes: MAX_PDF_BYTES,
  });
}

function renderVerdict(req: Request, res: Response, outcome: VerifyOutcome, file?: FileVerdict): void {
  privateVerdict(res);
  // An uploaded file always gets a 200 verdict page; a code lookup answers 400 for a typo and 404 when unknown.
  const status = file
    ? 200
    : outcome.status === 'typo' || outcome.status === 'malformed'
      ? 400
      : outcome.status === 'not_found'
        ? 404
        : 200;
  if (wantsJson(req)) {
    res.status(status).json(file ? { ...verificationJson(outcome), file } : verificationJson(outcome));
    return;
  }
  res.status(status).render('verify/result', buildVerificationView(outcome, res.locals.t, res.locals.locale, file));
}

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_PDF_BYTES, files: 1, fields: 5, parts: 6, fieldSize: 1024 },
}).single('file');

/** Multer for this one route; its errors become the upload form again with a message (413 for size). */
const receivePdf: RequestHandler = (req, res, next) => {
  upload(req, res, (error: unknown) => {
    if (!error) {
      next();
      return;
    }
    const tooLarge = error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE';
    renderForm(req, res, { status: tooLarge ? 413 : 400, uploadError: tooLarge ? 'verify.upload.tooLarge' : 'verify.upload.missing' });
  });
};

/** Public routes: the JWK set, the verification form, verdicts by code, and PDF upload checks. No sign-in. */
export function verifyRoutes(options: { limitPerMinute: number }): Router {
  const router = Router();
  const limiter = new FixedWindowLimiter('certificate-verify', options.limitPerMinute, 60 * 1000);
  const limit = limitByIp(limiter, 'verify.rateLimited');

  router.get('/.well-known/certificate-keys.json', (_req, res) => {
    res.set({ 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' });
    res.json(publicJwks(keyRing(), { keys: credentialKeys(), baseUrl: certificateSettings().baseUrl }));
  });

  // The `kid` of a credential's JOSE header is this URL: it answers with that one public key (a JWK).
  router.get('/.well-known/certificate-keys/:kid.json', (req, res) => {
    const keys = credentialKeys();
    const key = keys.trusted.get(req.params.kid);
    if (!key) throw new NotFound();
    res.set({ 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' });
    res.json(rsaJwk(key, req.params.kid, certificateSettings().baseUrl));
  });

  // Bitstring Status List credentials: public, at a stable URL, for verifiers that check revocation without our pages.
  router.get('/credentials/status/:list', async (req, res) => {
    if (!STATUS_LIST_PATTERN.test(req.params.list)) throw new NotFound();
    const result = await statusListJwt(req.params.list);
    if (!result.ok) throw new HttpError(503, 'certificates.integrityError');
    res.set({
      'Content-Type': 'application/vc+jwt',
      'Cache-Control': 'public, max-age=60',
      'Access-Control-Allow-Origin': '*',
      'X-Content-Type-Options': 'nosniff',
    });
    res.send(result.jwt);
  });

  // The code form submits here by GET (works without JavaScript); a good code goes on to its verdict page.
  router.get('/verify', (req, res) => {
    if (typeof req.query.code !== 'string') {
      renderForm(req, res);
      return;
    }
    limiter.enforce(req.ip ?? 'unknown', res, 'verify.rateLimited');
    const parsed = parseCode(req.query.code);
    if (parsed.ok) res.redirect(303, `/verify/${formatCode(parsed.code)}`);
    else renderForm(req, res, { status: 400, code: req.query.code.slice(0, 100), codeError: `verify.status.${parsed.reason}.body` });
  });

  router.get('/verify/:code', limit, async (req, res) => {
    // The check symbol is tested first: a typo is answered without touching the database.
    const parsed = parseCode(req.params.code);
    if (!parsed.ok) {
      renderVerdict(req, res, { status: parsed.reason, certificate: null });
      return;
    }
    renderVerdict(req, res, await verifyCode(parsed.code));
  });

  // CSRF: the global check runs before Multer has parsed this multipart body, so the form sends its token in the
  // action's query string (`?_csrf=`), which src/http/csrf.ts accepts for multipart requests only.
  router.post('/verify/pdf', limit, receivePdf, async (req, res) => {
    const file = req.file;
    if (!file || file.size === 0) {
      renderForm(req, res, { status: 400, uploadError: 'verify.upload.missing' });
      return;
    }
    if (file.buffer.subarray(0, 5).toString('latin1') !== '%PDF-') {
      renderForm(req, res, { status: 415, uploadError: 'verify.upload.notPdf' });
      return;
    }
    const { file: verdict, verification } = await verifyPdfFile(file.buffer);
    renderVerdict(req, res, verification, verdict);
  });

  return router;
}
