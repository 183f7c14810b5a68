import yazl from 'yazl';

export type ZipInput = { path: string; data: Buffer };

// A fixed date makes exports of the same content byte-identical, whenever they are made.
const FIXED_MTIME = new Date(Date.UTC(2020, 0, 1));

/** A zip of the given files (regular files, mode 0644, deflated), in the order given. */
export function writeZip(files: ZipInput[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addBuffer(file.data, file.path, { mtime: FIXED_MTIME, mode: 0o100644, compress: true });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
