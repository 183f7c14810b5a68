import { certificateSettings, type CertificateSettings } from './certificates.context';
import { readStatusHead } from './status-head';

/** What can be wrong between a certificate record, the status log in the database and its head in DATA_DIR/keys. */
export type IntegrityProblem =
  /** The database's log ends before the head kept in the key folder: an older backup, or entries deleted at the end. */
  | 'database_older'
  /** An entry is missing, reordered, altered, or not signed by a trusted key. */
  | 'log_broken'
  /** The database's log is not the one whose head the key folder holds. */
  | 'head_mismatch'
  /** The certificate record states another status than the log (a record rolled back to an older signed state). */
  | 'record_disagrees';

const MESSAGES: Record<IntegrityProblem, string> = {
  database_older:
    'certificate status log: the database is older than its key folder (DATA_DIR/keys/status-log has a later head): it was restored from an older backup, or log entries were deleted. Restore the newest database; until then no certificate verifies as valid',
  log_broken: 'certificate status log: an entry is missing, out of order, altered or not signed by a trusted key',
  head_mismatch: 'certificate status log: the database log is not the one whose head is kept in DATA_DIR/keys/status-log',
  record_disagrees: 'certificate record states another status than the signed status log (a rolled-back record?)',
};

/** Logs an integrity problem at error level (operators must act on it). */
export function reportIntegrityProblem(problem: IntegrityProblem, context: Record<string, unknown> = {}): void {
  const settings = certificateSettings();
  settings.logger?.error({ problem, headSeq: safeHeadSeq(settings), ...context }, MESSAGES[problem]);
}

function safeHeadSeq(settings: CertificateSettings): number | null {
  try {
    return readStatusHead(settings.dataDir)?.seq ?? null;
  } catch {
    return null;
  }
}
