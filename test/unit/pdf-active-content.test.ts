import { deflateSync } from 'node:zlib';
import { findPdfActiveContent } from '../../src/uploads/pdf-active-content';

const pdf = (body: string) => Buffer.from(`%PDF-1.7\n${body}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
const catalog = (extra: string) =>
  `1 0 obj << /Type /Catalog /Pages 2 0 R ${extra} >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj`;

describe('findPdfActiveContent', () => {
  it('accepts a plain PDF and an /OpenAction that only opens a page', () => {
    expect(findPdfActiveContent(pdf(catalog('')))).toBeUndefined();
    expect(findPdfActiveContent(pdf(catalog('/OpenAction [3 0 R /Fit]')))).toBeUndefined();
    expect(findPdfActiveContent(pdf(`${catalog('/OpenAction 9 0 R')}\n9 0 obj [3 0 R /XYZ 0 0 0] endobj`))).toBeUndefined();
    // Names that merely start like a forbidden one.
    expect(findPdfActiveContent(pdf(catalog('/JSONData 1 /Launcher 2')))).toBeUndefined();
  });

  it.each([
    ['JavaScript in an /OpenAction (pdf-with-js.pdf)', catalog('/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>'), 'JavaScript'],
    ['a /JS key alone', catalog('/AA << /O << /JS (x) >> >>'), 'JS'],
    ['/Launch', catalog('/OpenAction << /S /Launch /F (calc.exe) >>'), 'Launch'],
    ['/EmbeddedFiles', catalog('/Names << /EmbeddedFiles << /Names [] >> >>'), 'EmbeddedFile'],
    ['a name spelled with #xx escapes', catalog('/Names << /J#61vaScript 5 0 R >>'), 'JavaScript'],
    ['an /OpenAction action dictionary without script', catalog('/OpenAction << /S /URI /URI (https://example.org) >>'), 'OpenAction'],
    [
      'an /OpenAction reference to an action',
      `${catalog('/OpenAction 9 0 R')}\n9 0 obj << /S /GoToR /F (other.pdf) >> endobj`,
      'OpenAction',
    ],
  ])('finds %s', (_label, body, expected) => {
    expect(findPdfActiveContent(pdf(body))).toBe(expected);
  });

  it('finds JavaScript hidden in a compressed object stream', () => {
    const hidden = deflateSync(Buffer.from('5 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>', 'latin1'));
    const file = Buffer.concat([
      Buffer.from(
        `%PDF-1.7\n${catalog('')}\n4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${hidden.length} >>\nstream\n`,
        'latin1',
      ),
      hidden,
      Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1'),
    ]);
    expect(findPdfActiveContent(file)).toBe('JavaScript');
  });
});
