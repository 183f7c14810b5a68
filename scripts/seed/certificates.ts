import { CROCKFORD, checkSymbol } from '../../src/certificates/certificate-code';
import type { Random } from './random';

/**
 * A certificate record for seeded data. It is not signed with the app's key (verification says so): seeded
 * certificates exist for reports and benchmarks, never to be shown to anyone as genuine.
 */
export function certificateFor(
  random: Random,
  input: { learnerId: string; name: string; courseSlug: string; courseVersion: number; completedAt: Date; number: number; seed: number },
): Record<string, unknown> {
  const data = Array.from({ length: 19 }, () => CROCKFORD[random.int(0, 31)]).join('');
  const code = data + checkSymbol(data);
  const issuedAt = new Date(input.completedAt.getTime() + random.int(5, 600) * 1000);
  const serial = `SEED${input.seed}-${issuedAt.getUTCFullYear()}-${String(input.number).padStart(6, '0')}`;
  // About 1% revoked, so reports show they count only valid certificates.
  const isRevoked = random.chance(0.01);
  return {
    serial,
    code,
    issueKey: `${input.learnerId}:${input.courseSlug}:${input.courseVersion}`,
    learnerId: input.learnerId,
    holderName: input.name,
    holderSearch: input.name.toLowerCase(),
    courseSlug: input.courseSlug,
    courseVersion: input.courseVersion,
    courseTitle: { en: input.courseSlug, zh: input.courseSlug },
    completedAt: input.completedAt,
    issuedAt,
    issuer: 'Procurement Academy (seed data)',
    programme: 'Seed data',
    verifyUrl: `http://localhost:3000/verify/${code}`,
    pdfSha256: '0'.repeat(64),
    status: isRevoked ? 'revoked' : 'valid',
    revokedAt: isRevoked ? issuedAt : null,
    revocationReason: isRevoked ? 'issued-in-error' : null,
    revocationNote: null,
    supersededAt: null,
    supersededBy: null,
    supersedes: null,
    signature: { alg: 'EdDSA', kid: 'seed-data', value: 'not-signed' },
  };
}
