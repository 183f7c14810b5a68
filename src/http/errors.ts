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

/** A class of errors for one status, whose message defaults to that status's own (`error.<status>.body`). */
function withStatus(status: number) {
  return class extends HttpError {
    constructor(message = `error.${status}.body`, params?: MessageParams) {
      super(status, message, params);
    }
  };
}

export class BadRequest extends withStatus(400) {}
export class Unauthorized extends withStatus(401) {}
export class Forbidden extends withStatus(403) {}
export class NotFound extends withStatus(404) {}
/** The request clashes with the current state (stale form, name taken, nothing to publish). */
export class Conflict extends withStatus(409) {}
/** The thing existed and is withdrawn for good (a revoked certificate's file). */
export class Gone extends withStatus(410) {}
export class UriTooLong extends withStatus(414) {}
/** Well-formed, but refused by a rule (an unknown user, a zip laid out wrongly). */
export class Unprocessable extends withStatus(422) {}
export class TooManyRequests extends withStatus(429) {}
export class ServiceUnavailable extends withStatus(503) {}
