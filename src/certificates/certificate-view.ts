import { formatCode } from './certificate-code';
import type { CertificateDoc } from './certificate.model';

/** A certificate as the rest of the app sees it: the public record, code formatted for people. */
export type CertificateView = Omit<CertificateDoc, 'holderSearch' | 'revocationNote' | 'issueKey'>;

export function toCertificateView(doc: CertificateDoc): CertificateView {
  const { holderSearch: _search, revocationNote: _note, issueKey: _key, _id: _dbId, ...view } = doc as CertificateDoc & { _id?: unknown };
  return { ...view, code: formatCode(doc.code) };
}
