import { certificateFonts, splitRuns, visualOrder } from '../../src/certificates/certificate-fonts';
import { formatDate } from '../../src/certificates/certificate-format';
import { verificationJson } from '../../src/certificates/certificates.view';

describe('certificate text layout', () => {
  const fonts = certificateFonts();
  const order = (text: string) => visualOrder(splitRuns(text, fonts)).map((run) => `${run.script}:${run.text}`);

  it('picks a font that has the glyphs: Latin and Vietnamese, Chinese, Arabic', () => {
    expect(splitRuns('Nguyễn 张伟', fonts)).toEqual([
      { text: 'Nguyễn ', script: 'latin' },
      { text: '张伟', script: 'cjk' },
    ]);
    expect(splitRuns('ليلى', fonts)).toEqual([{ text: 'ليلى', script: 'arabic' }]);
    // Decomposed input is composed first, so the accent stays with its letter.
    expect(splitRuns('Thi\u0323', fonts)).toEqual([{ text: 'Thị', script: 'latin' }]);
  });

  it('draws right-to-left words from right to left, and left-to-right words inside them in order', () => {
    expect(order('Anna Lee')).toEqual(['latin:Anna', 'latin: ', 'latin:Lee']);
    expect(order('ليلى حسن')).toEqual(['arabic:حسن', 'latin: ', 'arabic:ليلى']);
    expect(order('Anna ليلى حسن Lee')).toEqual(['latin:Anna', 'latin: ', 'arabic:حسن', 'latin: ', 'arabic:ليلى', 'latin: ', 'latin:Lee']);
    expect(order('ليلى John Smith')).toEqual(['latin:John', 'latin: ', 'latin:Smith', 'latin: ', 'arabic:ليلى']);
  });

  it('writes dates the same way everywhere, in UTC', () => {
    expect(formatDate(new Date('2025-03-12T23:30:00-05:00'), 'en')).toBe('13 March 2025');
    expect(formatDate(new Date('2025-03-12T10:00:00Z'), 'zh-CN')).toBe('2025年3月12日');
  });

  it('answers verification JSON with the same keys whatever the outcome', () => {
    const shape = (value: object) => Object.keys(value).sort();
    expect(shape(verificationJson({ status: 'typo', certificate: null }))).toEqual(
      shape(verificationJson({ status: 'not_found', certificate: null })),
    );
    expect(verificationJson({ status: 'invalid', certificate: null })).toMatchObject({ status: 'invalid', holder: null, signature: null });
  });
});
