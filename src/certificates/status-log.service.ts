import { createHash } from 'node:crypto';
import { statusBitOf } from './certificate-format';
import { canonicalJson } from '../canonical-json';
import { isRecordSignatureValid, isStatementSignatureValid, signStatement } from './certificate-signature';
import { Certificate, type CertificateDoc } from './certificate.model';
import { certificateSettings, keyRing, type CertificateSettings } from './certificates.context';
import { readStatusHead, writeStatusHead, type StatusHead } from './status-head';
import { reportIntegrityProblem, type IntegrityProblem } from './status-integrity';
import { StatusEntry, type StatusEntryDoc } from './status-log.model';
import { isDuplicateKey } from '../db/duplicate-key';

/**
 * The certificate status log: revocations and corrections as an append-only chain of signed entries in the database,
 * whose head is also written to DATA_DIR/keys (status-head.ts). Each process keeps the chain it has verified in
 * memory (one small entry per revoked or corrected certificate), catches up with the entries other processes append,
 * and compares what the database says about a certificate with it. Anything that does not fit is an integrity
 * problem: the certificate is then reported as `integrity_error`, never as valid.
 */
export type StatusChangeInput = Pick<
  StatusEntryDoc,
  'serial' | 'status' | 'at' | 'reason' | 'supersededBy' | 'statusList' | 'statusListIndex'
>;
export type VerifiedEntry = StatusChangeInput & { seq: number; hash: string };
export type StatusLookup = { ok: true; entry: VerifiedEntry | null } | { ok: false; problem: IntegrityProblem };

export { reportIntegrityProblem, type IntegrityProblem };

const GENESIS = '0'.repeat(64);
/** The whole chain is read and verified again at least this often, so a deletion in the middle is seen by every process. */
const FULL_CHECK_MS = 60_000;

type Ledger = { seq: number; hash: string; hashes: string[]; bySerial: Map<string, VerifiedEntry>; verifiedAt: number; syncedAt: number };
let ledger: Ledger | undefined;
let ledgerOwner: CertificateSettings | undefined;
let legacyChecked: CertificateSettings | undefined;

/** What an entry says about its certificate, as hashed and as shown; absent optional fields are null. */
const statusFields = (entry: StatusChangeInput) => ({
  serial: entry.serial,
  status: entry.status,
  at: new Date(entry.at),
  reason: entry.reason ?? null,
  supersededBy: entry.supersededBy ?? null,
  statusList: entry.statusList,
  statusListIndex: entry.statusListIndex,
});

// canonicalJson sorts keys, so the hashed bytes do not depend on the order written here.
const entryPayload = (entry: StatusChangeInput & { seq: number; prevHash: string }): Record<string, unknown> => ({
  format: 'procurement-academy/status-entry@1',
  seq: entry.seq,
  ...statusFields(entry),
  prevHash: entry.prevHash,
});

const hashOf = (payload: Record<string, unknown>) => createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');

const toVerified = (entry: StatusEntryDoc): VerifiedEntry => ({ seq: entry.seq, hash: entry.hash, ...statusFields(entry) });

/** Checks one stored entry against the chain so far: its place, its link, its hash and its signature. */
function fitsChain(state: Ledger, entry: StatusEntryDoc): boolean {
  if (entry.seq !== state.seq + 1 || entry.prevHash !== state.hash) return false;
  const payload = entryPayload(entry);
  return hashOf(payload) === entry.hash && isStatementSignatureValid(keyRing(), payload, entry.signature);
}

function extend(state: Ledger, entry: VerifiedEntry): void {
  // Already known: a concurrent sync in this process read it back before the insert that wrote it returned.
  if (entry.seq <= state.seq) return;
  state.seq = entry.seq;
  state.hash = entry.hash;
  state.hashes.push(entry.hash);
  state.bySerial.set(entry.serial, entry);
}

const emptyLedger = (): Ledger => ({ seq: 0, hash: GENESIS, hashes: [], bySerial: new Map(), verifiedAt: Date.now(), syncedAt: 0 });

/** Inserts the next entry after what `state` verified; a duplicate key (another process appended first) throws. */
async function insertNext(state: Ledger, change: StatusChangeInput): Promise<VerifiedEntry> {
  const fields = { ...change, at: new Date(change.at), seq: state.seq + 1, prevHash: state.hash };
  const payload = entryPayload(fields);
  const hash = hashOf(payload);
  await StatusEntry.create({ ...fields, hash, signature: signStatement(keyRing(), payload) });
  const entry: VerifiedEntry = { ...change, at: new Date(change.at), seq: fields.seq, hash };
  extend(state, entry);
  writeStatusHead(certificateSettings().dataDir, { seq: entry.seq, hash });
  return entry;
}

/**
 * Certificates revoked or corrected before the log existed get their entries once, from their signed records: only
 * when the log is empty and no head was ever written (a new installation, or the first start of this version).
 */
async function logLegacyChanges(state: Ledger): Promise<void> {
  const docs = await Certificate.find({ status: { $ne: 'valid' } })
    .sort({ issuedAt: 1 })
    .lean<CertificateDoc[]>();
  for (const doc of docs) {
    if (!isRecordSignatureValid(keyRing(), doc)) continue;
    const at = doc.status === 'revoked' ? doc.revokedAt : doc.supersededAt;
    if (!at || doc.status === 'valid') continue;
    try {
      const bit = statusBitOf(doc);
      await insertNext(state, {
        serial: doc.serial,
        status: doc.status,
        at,
        reason: doc.revocationReason ?? null,
        supersededBy: doc.supersededBy ?? null,
        statusList: bit.list,
        statusListIndex: bit.index,
      });
    } catch (error) {
      // Another process is doing the same: its entries are read and verified like any others.
      if (isDuplicateKey(error)) return;
      throw error;
    }
  }
}

/**
 * Brings the verified chain up to the database's head and compares both with the head in the key folder. Calls in
 * one process run concurrently and share the chain: an entry another call has just verified or appended is already
 * there, so positions are compared with what was known before the database was read.
 */
async function syncOnce(settings: CertificateSettings): Promise<{ problem: IntegrityProblem } | { state: Ledger }> {
  // The key folder first: a head is written after its entry, so every head read here is in the database read next.
  let head: StatusHead | null;
  try {
    head = readStatusHead(settings.dataDir);
  } catch {
    return { problem: 'head_mismatch' };
  }
  if (ledger && Date.now() - ledger.verifiedAt > FULL_CHECK_MS) ledger = undefined;
  if (!ledger) ledger = emptyLedger();
  const state = ledger;
  const knownSeq = state.seq;
  let latest = await StatusEntry.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean<{ seq: number; hash: string }>();
  if (!latest && !head && knownSeq === 0 && legacyChecked !== settings) {
    legacyChecked = settings;
    await logLegacyChanges(state);
    // A head at 0 records that this key folder has had its one legacy check: later processes skip the scan.
    if (state.seq === 0) writeStatusHead(settings.dataDir, { seq: 0, hash: GENESIS });
    latest = await StatusEntry.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean<{ seq: number; hash: string }>();
  }
  const databaseSeq = latest?.seq ?? 0;
  if (databaseSeq < knownSeq) return { problem: 'database_older' };
  if (databaseSeq > state.seq) {
    const entries = await StatusEntry.find({ seq: { $gt: state.seq } })
      .sort({ seq: 1 })
      .lean<StatusEntryDoc[]>();
    for (const entry of entries) {
      if (entry.seq > databaseSeq) break;
      if (entry.seq <= state.seq) {
        if (state.hashes[entry.seq - 1] !== entry.hash) return { problem: 'log_broken' };
        continue;
      }
      if (!fitsChain(state, entry) || state.bySerial.has(entry.serial)) return { problem: 'log_broken' };
      extend(state, toVerified(entry));
    }
    if (state.seq < databaseSeq) return { problem: 'log_broken' };
  } else if (latest && state.hashes[databaseSeq - 1] !== latest.hash) {
    return { problem: 'log_broken' };
  }
  if (head) {
    if (head.seq > state.seq) return { problem: 'database_older' };
    if (head.seq > 0 && state.hashes[head.seq - 1] !== head.hash) return { problem: 'head_mismatch' };
  }
  // A process that stopped between its insert and its head file: the head catches up here.
  if (state.seq > (head?.seq ?? 0)) writeStatusHead(settings.dataDir, { seq: state.seq, hash: state.hash });
  state.syncedAt = Date.now();
  return { state };
}

async function sync(): Promise<{ problem: IntegrityProblem } | { state: Ledger }> {
  const settings = certificateSettings();
  if (ledgerOwner !== settings) {
    ledger = undefined;
    ledgerOwner = settings;
  }
  const result = await syncOnce(settings);
  // Read and verify everything again next time: the database may be repaired (the newer backup restored).
  if ('problem' in result) ledger = undefined;
  return result;
}

/** How long a verified chain answers checks without asking the database again (unless a record disagrees with it). */
const FRESH_MS = 1000;

/**
 * The verified chain for a check: as it is when it was synced under a second ago and the key folder's head is part
 * of it (no database round trip), otherwise synced first. A record that disagrees with it makes the caller sync.
 */
async function current(): Promise<{ problem: IntegrityProblem } | { state: Ledger }> {
  const settings = certificateSettings();
  const state = ledger;
  if (state && ledgerOwner === settings && Date.now() - state.syncedAt < FRESH_MS) {
    let head: StatusHead | null = null;
    try {
      head = readStatusHead(settings.dataDir);
    } catch {
      return sync();
    }
    if (!head || (head.seq <= state.seq && (head.seq === 0 || state.hashes[head.seq - 1] === head.hash))) return { state };
  }
  return sync();
}

const sameEntry = (stored: StatusEntryDoc | null, known: VerifiedEntry | undefined) =>
  (!stored && !known) ||
  (stored !== null &&
    known !== undefined &&
    stored.seq === known.seq &&
    stored.hash === known.hash &&
    hashOf(entryPayload(stored)) === known.hash);

type EntryLookup = { ok: true; entry: VerifiedEntry | null; state: Ledger } | { ok: false; problem: IntegrityProblem };

async function lookupEntry(serial: string): Promise<EntryLookup> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    // Both reads at once (one round trip of latency): a mismatch caused by an append between them is retried.
    const [synced, stored] = await Promise.all([sync(), StatusEntry.findOne({ serial }).lean<StatusEntryDoc>()]);
    if ('problem' in synced) return { ok: false, problem: synced.problem };
    const known = synced.state.bySerial.get(serial);
    if (sameEntry(stored, known)) return { ok: true, entry: known ?? null, state: synced.state };
    // Appended by another process between the two reads: the next sync sees it.
  }
  return { ok: false, problem: 'log_broken' };
}

/**
 * The verified status change of a certificate, if any. The database's entry for it must be exactly the one in the
 * verified chain (a deleted or edited entry is a problem even when the rest of the chain is intact).
 */
export async function statusEntryFor(serial: string): Promise<StatusLookup> {
  const lookup = await lookupEntry(serial);
  return lookup.ok ? { ok: true, entry: lookup.entry } : lookup;
}

/** True when the record's status fields are exactly what the log says (no entry: valid). */
export function recordAgreesWithLog(record: CertificateDoc, entry: VerifiedEntry | null): boolean {
  const time = (value: Date | null | undefined) => (value ? new Date(value).getTime() : null);
  if (!entry) return record.status === 'valid' && !record.revokedAt && !record.supersededAt;
  if (record.status !== entry.status) return false;
  if (entry.status === 'revoked')
    return time(record.revokedAt) === entry.at.getTime() && (record.revocationReason ?? null) === entry.reason;
  return time(record.supersededAt) === entry.at.getTime() && (record.supersededBy ?? null) === entry.supersededBy;
}

function agreement(record: CertificateDoc, synced: { problem: IntegrityProblem } | { state: Ledger }): StatusLookup {
  if ('problem' in synced) return { ok: false, problem: synced.problem };
  const entry = synced.state.bySerial.get(record.serial) ?? null;
  return recordAgreesWithLog(record, entry) ? { ok: true, entry } : { ok: false, problem: 'record_disagrees' };
}

/**
 * Checks a record (whose signature is valid) against the verified status log; a problem is logged at error level.
 * The chain in memory decides: a record rolled back, or an entry deleted under it, disagrees with it. A disagreement
 * may also be a change another process has just logged, so it is checked again against the database before it counts.
 */
export async function checkRecordStatus(record: CertificateDoc): Promise<StatusLookup> {
  let result = agreement(record, await current());
  if (!result.ok && result.problem === 'record_disagrees') result = agreement(record, await sync());
  if (!result.ok) reportIntegrityProblem(result.problem, { serial: record.serial });
  return result;
}

/**
 * Appends a status change for a certificate, or returns the change already logged for it (isNew false): at most one
 * per certificate. Retries after re-reading the head when another process appended first. Refuses to extend a log
 * that fails its integrity check.
 */
export async function appendStatusChange(
  change: StatusChangeInput,
): Promise<{ ok: true; entry: VerifiedEntry; isNew: boolean } | { ok: false; problem: IntegrityProblem }> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const lookup = await lookupEntry(change.serial);
    if (!lookup.ok) {
      reportIntegrityProblem(lookup.problem, { serial: change.serial });
      return lookup;
    }
    if (lookup.entry) return { ok: true, entry: lookup.entry, isNew: false };
    try {
      return { ok: true, entry: await insertNext(lookup.state, change), isNew: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  throw new Error('certificates: could not append to the status log');
}

/** Every verified status change, for the status list. */
export async function verifiedStatusChanges(): Promise<
  { ok: true; entries: VerifiedEntry[]; seq: number } | { ok: false; problem: IntegrityProblem }
> {
  const synced = await current();
  if ('problem' in synced) {
    reportIntegrityProblem(synced.problem);
    return { ok: false, problem: synced.problem };
  }
  return { ok: true, entries: [...synced.state.bySerial.values()], seq: synced.state.seq };
}

/** Spends the same work as the status check of a known code (used when a code is unknown). */
export async function statusLookupProbe(): Promise<void> {
  await current();
}
