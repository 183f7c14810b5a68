import mongoose, { Schema } from 'mongoose';

export const certificateStatuses = ['valid', 'revoked', 'superseded'] as const;
export type CertificateStatus = (typeof certificateStatuses)[number];
export const revocationReasons = ['issued-in-error', 'misconduct', 'other'] as const;
export type RevocationReason = (typeof revocationReasons)[number];

export type Bilingual = { en: string; zh: string };
export type RecordSignature = { alg: 'EdDSA'; kid: string; value: string };

/**
 * One issued certificate. Everything shown publicly is signed (see certificate-signature.ts); a status change
 * re-signs the record. Corrections never edit the holder name: they issue a new certificate and mark this one
 * superseded.
 */
export type CertificateDoc = {
  serial: string;
  /** 20 Crockford symbols, no dashes. */
  code: string;
  /** `<learnerId>:<courseSlug>:<version>` for a first issue, `supersedes:<serial>` for a correction. */
  issueKey: string;
  learnerId: string;
  holderName: string;
  /** Lower-cased holder name for the admin search. */
  holderSearch: string;
  courseSlug: string;
  courseVersion: number;
  courseTitle: Bilingual;
  completedAt: Date;
  issuedAt: Date;
  issuer: string;
  programme: string;
  verifyUrl: string;
  pdfSha256: string;
  status: CertificateStatus;
  revokedAt?: Date | null;
  revocationReason?: RevocationReason | null;
  /** Internal note from the administrator; never shown publicly and not signed. */
  revocationNote?: string | null;
  supersededAt?: Date | null;
  supersededBy?: string | null;
  supersedes?: string | null;
  /**
   * `urn:uuid:…`, the credential subject's id in the Open Badges credential (its `sub`). Records issued before it
   * existed have none; their subject id is derived from the serial (credential.ts).
   */
  subjectId?: string;
  /** The Bitstring Status List (its id in /credentials/status/<id>) and the bit of this certificate in it. */
  statusList?: string;
  statusListIndex?: number;
  signature: RecordSignature;
};

const certificateSchema = new Schema<CertificateDoc>(
  {
    serial: { type: String, required: true },
    code: { type: String, required: true },
    issueKey: { type: String, required: true },
    learnerId: { type: String, required: true },
    holderName: { type: String, required: true },
    holderSearch: { type: String, required: true },
    courseSlug: { type: String, required: true },
    courseVersion: { type: Number, required: true },
    courseTitle: { en: { type: String, required: true }, zh: { type: String, required: true } },
    completedAt: { type: Date, required: true },
    issuedAt: { type: Date, required: true },
    issuer: { type: String, required: true },
    programme: { type: String, required: true },
    verifyUrl: { type: String, required: true },
    pdfSha256: { type: String, required: true },
    status: { type: String, enum: certificateStatuses, required: true },
    revokedAt: { type: Date, default: null },
    revocationReason: { type: String, enum: revocationReasons, default: null },
    revocationNote: { type: String, default: null },
    supersededAt: { type: Date, default: null },
    supersededBy: { type: String, default: null },
    supersedes: { type: String, default: null },
    subjectId: { type: String },
    statusList: { type: String },
    statusListIndex: { type: Number },
    signature: { alg: { type: String, required: true }, kid: { type: String, required: true }, value: { type: String, required: true } },
  },
  { collection: 'certificates', minimize: false, versionKey: false },
);
// Downloads and the admin pages find a certificate by its serial.
certificateSchema.index({ serial: 1 }, { unique: true });
// Public verification looks codes up; unique so a code names exactly one certificate.
certificateSchema.index({ code: 1 }, { unique: true });
// Exactly one certificate per (learner, course, version), and one correction per superseded certificate.
certificateSchema.index({ issueKey: 1 }, { unique: true });
// A learner's own certificates, newest first.
certificateSchema.index({ learnerId: 1, issuedAt: -1 });
// The admin list, newest first.
certificateSchema.index({ issuedAt: -1 });
// Issuing checks that no other certificate holds the status list bit it reserved (status-list.service.ts).
certificateSchema.index({ statusList: 1, statusListIndex: 1 });

export const Certificate = mongoose.model<CertificateDoc>('Certificate', certificateSchema);

/**
 * Serial numbers, allocated without a counter (FerretDB loses concurrent updates of one document): insert the
 * highest number of the year + 1, and retry on a duplicate key. The reservation also maps each issuance (issueKey)
 * to exactly one serial, so concurrent attempts to issue the same certificate all print the same serial.
 */
export type SerialReservationDoc = { year: number; number: number; serial: string; issueKey: string; reservedAt: Date };
const serialReservationSchema = new Schema<SerialReservationDoc>(
  {
    year: { type: Number, required: true },
    number: { type: Number, required: true, min: 1 },
    serial: { type: String, required: true },
    issueKey: { type: String, required: true },
    reservedAt: { type: Date, required: true },
  },
  { collection: 'certificateSerials', versionKey: false },
);
// Allocation reads the year's highest number (sort/limit) and relies on uniqueness to settle races.
serialReservationSchema.index({ year: 1, number: 1 }, { unique: true });
// One serial per issuance: a second reservation for the same issueKey fails and reads the first.
serialReservationSchema.index({ issueKey: 1 }, { unique: true });

export const SerialReservation = mongoose.model<SerialReservationDoc>('SerialReservation', serialReservationSchema);

/**
 * Every distinct PDF file the app has produced for a certificate (the file issued, and any later rendition if the
 * template, fonts or PDF library changed), so an uploaded copy of any of them is recognised as genuine. Insert-only.
 * Each entry is signed (certificate-signature.ts, `signFileHash`): the collection is not a trust anchor, so an entry
 * without a valid signature by a trusted key never makes a file "exact".
 */
export type CertificateFileDoc = { serial: string; sha256: string; createdAt: Date; signature?: RecordSignature | null };
const certificateFileSchema = new Schema<CertificateFileDoc>(
  {
    serial: { type: String, required: true },
    sha256: { type: String, required: true },
    createdAt: { type: Date, required: true, default: () => new Date() },
    signature: { type: { alg: String, kid: String, value: String }, default: null, _id: false },
  },
  { collection: 'certificateFiles', versionKey: false },
);
// PDF upload check: is this hash one of this certificate's files? Unique: recording a file twice is a no-op.
certificateFileSchema.index({ serial: 1, sha256: 1 }, { unique: true });

export const CertificateFile = mongoose.model<CertificateFileDoc>('CertificateFile', certificateFileSchema);

/**
 * Bits of the status lists, allocated at random (the Bitstring Status List spec asks for random positions, so a bit
 * reveals neither when a certificate was issued nor how many were) without a counter: insert and retry on a
 * duplicate key. One per serial, so concurrent attempts to issue one certificate share its bit.
 */
export type StatusListIndexDoc = { list: string; index: number; serial: string };
const statusListIndexSchema = new Schema<StatusListIndexDoc>(
  {
    list: { type: String, required: true },
    index: { type: Number, required: true, min: 0 },
    serial: { type: String, required: true },
  },
  { collection: 'certificateStatusIndexes', versionKey: false },
);
// A bit names one certificate.
statusListIndexSchema.index({ list: 1, index: 1 }, { unique: true });
// Issuing reads the bit already reserved for its serial (a retry, or a concurrent attempt).
statusListIndexSchema.index({ serial: 1 }, { unique: true });

export const StatusListIndex = mongoose.model<StatusListIndexDoc>('CertificateStatusIndex', statusListIndexSchema);
