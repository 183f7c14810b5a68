import type { CohortDoc } from './cohort.model';

declare global {
  namespace Express {
    interface Locals {
      /** The cohort a /cohorts/:id route loaded after checking that the user manages it. */
      cohort?: CohortDoc;
    }
  }
}

export {};
