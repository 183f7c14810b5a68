import { randomInt } from 'node:crypto';
import { Certificate, StatusListIndex, type StatusListIndexDoc } from './certificate.model';
import { certificateSettings, credentialKeys } from './certificates.context';
import { buildStatusListCredential, signVerifiableCredential, STATUS_LIST_BITS } from './credential';
import { verifiedStatusChanges, type IntegrityProblem } from './status-log.service';
import { isDuplicateKey } from '../db/duplicate-key';

/** Names a status list: the issue year (`2026`), or `legacy-2026` for certificates issued before status lists. */
export const STATUS_LIST_PATTERN = /^(legacy-)?\d{4}$/;

/**
 * Reserves this certificate's bit in its year's status list, at random. Without a counter: insert, retry on a
 * duplicate key; a bit already reserved for the serial (a retry, a concurrent attempt) is returned. Each ten
 * collisions double the range, so a crowded list still allocates quickly.
 */
export async function reserveStatusBit(serial: string, list: string): Promise<StatusListIndexDoc> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const existing = await StatusListIndex.findOne({ serial }).lean<StatusListIndexDoc>();
    if (existing) {
      // The allocation table is not signed: a bit another certificate already holds (its reservation deleted and
      // re-inserted through the database) would make revoking one mark both. Such a reservation is dropped.
      if (!(await Certificate.exists({ statusList: existing.list, statusListIndex: existing.index, serial: { $ne: serial } })))
        return existing;
      certificateSettings().logger?.error(
        { serial, list: existing.list, index: existing.index },
        'status list bit already held by another certificate: reserving another',
      );
      await StatusListIndex.deleteOne({ serial });
      continue;
    }
    const index = randomInt(0, STATUS_LIST_BITS * 2 ** Math.floor(attempt / 10));
    try {
      await StatusListIndex.create({ list, index, serial });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  throw new Error('certificates: could not reserve a status list bit');
}

/** Signed lists by list id, rebuilt when the verified status log has moved on. */
const cache = new Map<string, { seq: number; jwt: string }>();

/**
 * The status list credential as a JWT, built from the verified status log only: a database writer can neither clear
 * a bit (the log entry is signed and chained) nor serve an old list (a log behind its head fails the check, and then
 * no list is served at all).
 */
export async function statusListJwt(list: string): Promise<{ ok: true; jwt: string } | { ok: false; problem: IntegrityProblem }> {
  const changes = await verifiedStatusChanges();
  if (!changes.ok) return changes;
  const { baseUrl, issuerName } = certificateSettings();
  const key = `${baseUrl}\u0000${list}\u0000${credentialKeys().current.kid}`;
  const cached = cache.get(key);
  if (cached && cached.seq === changes.seq) return { ok: true, jwt: cached.jwt };
  const entries = changes.entries.filter((entry) => entry.statusList === list);
  const credential = buildStatusListCredential({
    baseUrl,
    list,
    issuerName,
    setIndexes: entries.map((entry) => entry.statusListIndex),
    // The list as of its latest change (or the start of its year): the same log gives the same list.
    validFrom: entries.reduce((latest, entry) => (entry.at > latest ? entry.at : latest), new Date(Date.UTC(Number(list.slice(-4)), 0, 1))),
  });
  const jwt = signVerifiableCredential(credential, baseUrl, credentialKeys());
  if (cache.size > 100) cache.clear();
  cache.set(key, { seq: changes.seq, jwt });
  return { ok: true, jwt };
}
