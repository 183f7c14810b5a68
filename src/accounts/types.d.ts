import type { SessionUser } from './accounts.service';

declare global {
  namespace Express {
    /** `req.user`: loaded from the user id in the session on every request; never stored in the session. */
    interface User {
      id: SessionUser['id'];
      name: SessionUser['name'];
      email: SessionUser['email'];
      role: SessionUser['role'];
      preferredLanguage?: SessionUser['preferredLanguage'];
    }
  }
}

export {};
