/**
 * Links to learners' certificates for the dashboard. The certificates feature registers the lookup at start-up;
 * until it does (or when it finds none), completed courses show that the certificate is being prepared.
 */
export type CertificateLookup = (
  learnerId: string,
  courses: { courseSlug: string; courseVersion: number }[],
) => Promise<Map<string, string>>;

let lookup: CertificateLookup | undefined;

export function registerCertificateLookup(fn: CertificateLookup): void {
  lookup = fn;
}

export async function certificateLinksFor(
  learnerId: string,
  courses: { courseSlug: string; courseVersion: number }[],
): Promise<Map<string, string>> {
  if (!lookup || courses.length === 0) return new Map();
  return lookup(learnerId, courses);
}
