/** An error that maps to an HTTP status; its message is safe to show to the user (an i18n key or plain text). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends HttpError {
  constructor(message = 'error.400.body', details?: Record<string, unknown>) {
    super(400, message, details);
  }
}
export class Unauthorized extends HttpError {
  constructor(message = 'error.403.body') {
    super(401, message);
  }
}
export class Forbidden extends HttpError {
  constructor(message = 'error.403.body') {
    super(403, message);
  }
}
export class NotFound extends HttpError {
  constructor(message = 'error.404.body') {
    super(404, message);
  }
}
export class PayloadTooLarge extends HttpError {
  constructor(message = 'error.413.body') {
    super(413, message);
  }
}
export class UnsupportedMediaType extends HttpError {
  constructor(message = 'error.415.body') {
    super(415, message);
  }
}
export class TooManyRequests extends HttpError {
  constructor(message = 'error.429.body') {
    super(429, message);
  }
}
export class ServiceUnavailable extends HttpError {
  constructor(message = 'error.503.body') {
    super(503, message);
  }
}
