/**
 * File types recognised by their first bytes ("magic numbers"), never by the name or the MIME type a browser sends:
 * both are chosen by the client. SVG is deliberately absent: it is XML that can carry scripts.
 */
export type FileKind = 'png' | 'jpeg' | 'webp' | 'pdf' | 'zip';

export type FileTypeInfo = { kind: FileKind; extension: string; contentType: string; isImage: boolean };

export const fileTypes: Record<FileKind, FileTypeInfo> = {
  png: { kind: 'png', extension: 'png', contentType: 'image/png', isImage: true },
  jpeg: { kind: 'jpeg', extension: 'jpg', contentType: 'image/jpeg', isImage: true },
  webp: { kind: 'webp', extension: 'webp', contentType: 'image/webp', isImage: true },
  pdf: { kind: 'pdf', extension: 'pdf', contentType: 'application/pdf', isImage: false },
  zip: { kind: 'zip', extension: 'zip', contentType: 'application/zip', isImage: false },
};

const startsWith = (data: Buffer, bytes: number[], offset = 0) =>
  data.length >= offset + bytes.length && bytes.every((byte, i) => data[offset + i] === byte);
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** The kind of a file from its content, or undefined when it is none we accept. */
export function detectFileKind(data: Buffer): FileKind | undefined {
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(data, ascii('RIFF')) && startsWith(data, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(data, ascii('%PDF-'))) return 'pdf';
  // A local file header; an empty archive (end-of-central-directory only) holds no course anyway.
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  return undefined;
}

/** The content type a course asset is served with, from its (generated or validated) name. */
export function contentTypeForName(name: string): string {
  const extension = name.split('.').pop()?.toLowerCase() ?? '';
  const byExtension: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    webp: 'image/webp',
    gif: 'image/gif',
    pdf: 'application/pdf',
    csv: 'text/csv; charset=utf-8',
    txt: 'text/plain; charset=utf-8',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
  return byExtension[extension] ?? 'application/octet-stream';
}
