import type { PendingResult } from './readiness.service';

declare module 'express-session' {
  interface SessionData {
    /** A visitor's readiness result, kept until they sign in and save it (carried across sign-in: passport.ts). */
    readinessPending?: PendingResult;
  }
}

export {};
