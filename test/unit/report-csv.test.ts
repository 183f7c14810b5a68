import { CSV_BOM, csvCell, csvDocument, csvLine } from '../../src/reports/report-csv';

describe('csvCell', () => {
  it('leaves plain text and numbers alone', () => {
    expect(csvCell('王芳')).toBe('王芳');
    expect(csvCell(42.5)).toBe('42.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('quotes commas, quotes, newlines and edge spaces, doubling inner quotes', () => {
    expect(csvCell('Hong Kong, SAR')).toBe('"Hong Kong, SAR"');
    expect(csvCell('Chen "Tiger" Jun')).toBe('"Chen ""Tiger"" Jun"');
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
    expect(csvCell(' padded ')).toBe('" padded "');
  });

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])('prefixes a formula-looking cell %p with a single quote', (value) => {
    expect(csvCell(value).replace(/^"/, '').startsWith(`'${value[0]}`)).toBe(true);
  });

  it('guards and quotes at once, and leaves numbers numeric even when negative', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell(-3)).toBe('-3');
  });
});

describe('csvDocument', () => {
  it('starts with a BOM and ends lines with CRLF', () => {
    const text = csvDocument(
      ['名称', 'n'],
      [
        ['广东', 1],
        ['=x', 2],
      ],
    );
    expect(text.startsWith(CSV_BOM)).toBe(true);
    expect(Buffer.from(text, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(text).toBe("\uFEFF名称,n\r\n广东,1\r\n'=x,2\r\n");
    expect(csvLine([])).toBe('\r\n');
  });
});
