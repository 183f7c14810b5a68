type MessageParams = Record<string, string | number>;

/**
 * An error that maps to an HTTP status. Its message is an i18n key (or plain text) safe to show to the user, with
 * the parameters the message needs; `titleKey` names the page title when the status's own title is too generic.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly params: MessageParams = {},
    readonly titleKey?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends HttpError {
  constructor(message = 'error.400.body', params?: MessageParams) {
    super(400, message, params);
  }
}
export class Unauthorized extends HttpError {
  constructor(message = 'error.401.body') {
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
/** The request clashes with the current state (stale form, name taken, nothing to publish). */
export class Conflict extends HttpError {
  constructor(message = 'error.409.body', params?: MessageParams) {
    super(409, message, params);
  }
}
/** The thing existed and is withdrawn for good (a revoked certificate's file). */
export class Gone extends HttpError {
  constructor(message = 'error.410.body') {
    super(410, message);
  }
}
export class UriTooLong extends HttpError {
  constructor(message = 'error.414.body') {
    super(414, message);
  }
}
/** Well-formed, but refused by a rule (an unknown user, a zip laid out wrongly). */
export class Unprocessable extends HttpError {
  constructor(message = 'error.422.body', params?: MessageParams) {
    super(422, message, params);
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
