import type { SessionUser } from './accounts.service';

declare global {
  namespace Express {
    /** `req.user`: the copy kept in the session (see passport.ts for why that is safe). */
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
