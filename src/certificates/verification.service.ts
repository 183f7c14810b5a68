import { inflateSync } from 'node:zlib';
import { assessmentTermsOf, type AssessmentTerms } from '../courses/assessment-terms';
import { getCourseVersion } from '../courses/courses.service';
import { findCodeInText, generateCode, parseCode } from './certificate-code';
import { isFileHashSignatureValid, isRecordSignatureValid, verifyDummy } from './certificate-signature';
import { Certificate, CertificateFile, type CertificateDoc, type CertificateFileDoc } from './certificate.model';
import { keyRing } from './certificates.context';
import { sha256Hex } from './certificates.service';
import { toCertificateView, type CertificateView } from './certificate-view';
import { checkRecordStatus, statusLookupProbe, type IntegrityProblem } from './status-log.service';

export type VerificationStatus = 'valid' | 'revoked' | 'superseded' | 'invalid' | 'not_found' | 'integrity_error';
/**
 * `certificate` is null unless the record's signature checks and its status agrees with the signed status log: an
 * altered record's contents are not shown. `integrity` names the problem when the status is `integrity_error`.
 */
export type Verification = {
  status: VerificationStatus;
  certificate: CertificateView | null;
  integrity?: IntegrityProblem | null;
  /** How the certificate was earned: the assessment terms of the course version it was issued for (never answers). */
  assessment?: AssessmentTerms | null;
};

/**
 * Looks up a well-formed code (see parseCode) and checks the record's signature. Known and unknown codes take the
 * same path: one indexed lookup and one signature verification each.
 */
export async function verifyCode(code: string): Promise<Verification> {
  const ring = keyRing();
  const doc = await Certificate.findOne({ code }).lean<CertificateDoc>();
  if (!doc) {
    verifyDummy(ring);
    await statusLookupProbe();
    return { status: 'not_found', certificate: null };
  }
  if (!isRecordSignatureValid(ring, doc)) return { status: 'invalid', certificate: null };
  // A genuinely signed record can still be an older state (a revocation rolled back): the status log decides.
  const status = await checkRecordStatus(doc);
  if (!status.ok) return { status: 'integrity_error', certificate: null, integrity: status.problem };
  const version = await getCourseVersion(doc.courseSlug, doc.courseVersion);
  return { status: doc.status, certificate: toCertificateView(doc), assessment: version ? assessmentTermsOf(version) : null };
}

const MAX_INFLATED_BYTES = 8 * 1024 * 1024;

/** Decompressed streams of a PDF, for metadata kept in compressed object streams (as some editors re-save it). */
function inflatedStreams(pdf: Buffer): string[] {
  const texts: string[] = [];
  let budget = MAX_INFLATED_BYTES;
  const text = pdf.toString('latin1');
  const pattern = /stream\r?\n/g;
  for (let match = pattern.exec(text); match && budget > 0 && texts.length < 200; match = pattern.exec(text)) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    try {
      const inflated = inflateSync(pdf.subarray(start, end), { maxOutputLength: Math.min(budget, 2 * 1024 * 1024) });
      budget -= inflated.length;
      texts.push(inflated.toString('latin1'));
    } catch {
      // not a Flate stream, or a damaged one: skip it
    }
    pattern.lastIndex = end;
  }
  return texts;
}

/**
 * The verification code in a certificate PDF: from the metadata Keywords or the verification link (both stored as
 * plain strings by our generator), then from UTF-16 strings, then inside compressed streams. Only codes whose check
 * symbol is right count.
 */
export function codeFromPdf(pdf: Buffer): string | undefined {
  const text = pdf.toString('latin1');
  const fromLink = (source: string) => {
    for (const match of source.matchAll(/\/verify\/([0-9A-Za-z-]{20,24})/g)) {
      const parsed = parseCode(match[1]);
      if (parsed.ok) return parsed.code;
    }
    return undefined;
  };
  return (
    findCodeInText(text) ??
    fromLink(text) ??
    findCodeInText(text.replace(/\0/g, '')) ??
    inflatedStreams(pdf).reduce<string | undefined>((found, stream) => found ?? findCodeInText(stream) ?? fromLink(stream), undefined)
  );
}

async function isSignedRendition(serial: string, sha256: string): Promise<boolean> {
  const entry = await CertificateFile.findOne({ serial, sha256 }).lean<CertificateFileDoc>();
  return entry !== null && isFileHashSignatureValid(keyRing(), entry);
}

/** `unchecked`: the code is genuine but the status log failed its check, so nothing about the file is confirmed. */
export type FileVerdict = 'exact' | 'altered' | 'no_match' | 'unchecked';

/**
 * Checks an uploaded PDF: finds its code, verifies the record, and compares the file's SHA-256 with the files we
 * produced for that certificate. Genuine code but other bytes: "altered".
 */
export async function verifyPdfFile(pdf: Buffer): Promise<{ file: FileVerdict; verification: Verification }> {
  const code = codeFromPdf(pdf);
  // Without a code, still do a lookup (of a random code), so a file without one takes the same path.
  const verification = await verifyCode(code ?? generateCode());
  if (code && verification.status === 'integrity_error') return { file: 'unchecked', verification };
  if (!code || !verification.certificate)
    return { file: 'no_match', verification: code ? verification : { status: 'not_found', certificate: null } };
  const sha256 = sha256Hex(pdf);
  const serial = verification.certificate.serial;
  // The record's own pdfSha256 is covered by the record signature; a later rendition counts only if its entry in
  // certificateFiles carries a valid signature too (anyone who can write to the database can insert a hash).
  const isIssuedFile = sha256 === verification.certificate.pdfSha256 || (await isSignedRendition(serial, sha256));
  return { file: isIssuedFile ? 'exact' : 'altered', verification };
}
