import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { HttpError } from '../http/errors';
import { megabytes } from './upload-limits';

/** An upload refused with a status (400, 413, 415, 422) and a message key whose parameters say what and how much. */
export class UploadRejected extends HttpError {
  constructor(status: number, message: string, params: Record<string, string | number> = {}) {
    super(status, message, params, 'uploads.rejectedTitle');
  }
}

export type FileFieldOptions = { field: string; maxFiles: number; maxFileBytes: number; maxRequestBytes: number };

function fromMulterError(error: unknown, options: FileFieldOptions): UploadRejected {
  const code = error instanceof multer.MulterError ? error.code : undefined;
  switch (code) {
    case 'LIMIT_FILE_SIZE':
      return new UploadRejected(413, 'uploads.fileTooLarge', { max: megabytes(options.maxFileBytes) });
    case 'LIMIT_FILE_COUNT':
      return new UploadRejected(413, 'uploads.tooManyFiles', { max: options.maxFiles });
    case 'LIMIT_UNEXPECTED_FILE':
      return new UploadRejected(400, 'uploads.unexpectedField');
    case 'LIMIT_PART_COUNT':
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_FIELD_KEY':
    case 'LIMIT_FIELD_VALUE':
      return new UploadRejected(413, 'uploads.requestTooLarge', { max: megabytes(options.maxRequestBytes) });
    default:
      return new UploadRejected(400, 'uploads.malformed');
  }
}

/**
 * Multer for one route: memory storage (no temporary files exist, so none can be left behind), limits on file size,
 * count and fields, and a total per request. Mount it only on routes that take files, after the access check.
 */
export function acceptFiles(options: FileFieldOptions): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: options.maxFileBytes,
      files: options.maxFiles,
      fields: 10,
      fieldSize: 10_000,
      parts: options.maxFiles + 10,
      headerPairs: 100,
    },
  }).array(options.field, options.maxFiles);
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) {
      next(new UploadRejected(415, 'uploads.notMultipart'));
      return;
    }
    // A declared length over the limit is refused without keeping a byte; the limits below hold when it lies.
    const declared = Number(req.get('content-length') ?? 0);
    if (declared > options.maxRequestBytes + 64 * 1024) {
      refuseUnread(req, declared, () =>
        next(new UploadRejected(413, 'uploads.requestTooLarge', { max: megabytes(options.maxRequestBytes) })),
      );
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (error) {
        next(fromMulterError(error, options));
        return;
      }
      const files = uploadedFiles(req);
      if (files.length === 0) {
        next(new UploadRejected(422, 'uploads.noFile'));
        return;
      }
      if (files.reduce((total, file) => total + file.size, 0) > options.maxRequestBytes) {
        next(new UploadRejected(413, 'uploads.requestTooLarge', { max: megabytes(options.maxRequestBytes) }));
        return;
      }
      next();
    });
  };
}

const DRAIN_LIMIT = 128 * 1024 * 1024;

/**
 * Answers only once the body has been read and thrown away, as Multer does on its own limits: a client still
 * sending would otherwise see a reset connection instead of the message. Bodies past DRAIN_LIMIT are cut off.
 */
function refuseUnread(req: Request, declared: number, respond: () => void): void {
  if (declared > DRAIN_LIMIT) {
    respond();
    return;
  }
  req.on('error', respond);
  req.on('end', respond);
  req.resume();
}

export function uploadedFiles(req: Request): Express.Multer.File[] {
  return Array.isArray(req.files) ? req.files : [];
}
