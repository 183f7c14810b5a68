import mongoose, { Schema } from 'mongoose';
import { revocationReasons, type RecordSignature, type RevocationReason } from './certificate.model';

export const statusChanges = ['revoked', 'superseded'] as const;
export type StatusChange = (typeof statusChanges)[number];

/**
 * One entry of the certificate status log: an append-only, hash-chained list of every revocation and correction,
 * each entry signed with the record key (status-log.service.ts). Revoked and superseded are terminal, so a
 * certificate has at most one entry. The log's head (seq, hash) is also kept in DATA_DIR/keys (status-head.ts), so a
 * database writer can neither drop nor roll back an entry without verification noticing.
 */
export type StatusEntryDoc = {
  seq: number;
  serial: string;
  status: StatusChange;
  /** revokedAt or supersededAt of the record. */
  at: Date;
  reason: RevocationReason | null;
  supersededBy: string | null;
  /** The certificate's bit in the public status lists (status-list.service.ts), which this entry sets. */
  statusList: string;
  statusListIndex: number;
  /** Hash of the previous entry (64 zeros for the first). */
  prevHash: string;
  /** SHA-256 (hex) of the canonical JSON of the entry's payload, prevHash included. */
  hash: string;
  signature: RecordSignature;
};

const statusEntrySchema = new Schema<StatusEntryDoc>(
  {
    seq: { type: Number, required: true, min: 1 },
    serial: { type: String, required: true },
    status: { type: String, enum: statusChanges, required: true },
    at: { type: Date, required: true },
    reason: { type: String, enum: [...revocationReasons, null], default: null },
    supersededBy: { type: String, default: null },
    statusList: { type: String, required: true },
    statusListIndex: { type: Number, required: true, min: 0 },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
    signature: { alg: { type: String, required: true }, kid: { type: String, required: true }, value: { type: String, required: true } },
  },
  { collection: 'certificateStatusLog', versionKey: false },
);
// Appending inserts seq = head + 1: N processes racing to append cannot fork the chain, the loser retries. Sync reads
// the head (sort by seq, limit 1) and the entries after the last one it verified.
statusEntrySchema.index({ seq: 1 }, { unique: true });
// One status change per certificate (terminal states); verification reads a certificate's entry by serial.
statusEntrySchema.index({ serial: 1 }, { unique: true });

export const StatusEntry = mongoose.model<StatusEntryDoc>('CertificateStatusEntry', statusEntrySchema);
