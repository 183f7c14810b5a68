import type { CertificateDoc } from './certificate.model';

declare global {
  namespace Express {
    interface Locals {
      /** The certificate a /certificates/:serial route loaded after checking who may see it. */
      certificate?: CertificateDoc;
    }
  }
}

export {};
