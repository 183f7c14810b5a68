import { checkSymbol, CROCKFORD, findCodeInText, formatCode, generateCode, parseCode } from '../../src/certificates/certificate-code';

describe('verification codes', () => {
  it('generates 20 Crockford symbols whose last one checks, shown in five groups of four', () => {
    const codes = new Set(Array.from({ length: 500 }, () => generateCode()));
    expect(codes.size).toBe(500);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{20}$/);
      expect(code.at(-1)).toBe(checkSymbol(code.slice(0, 19)));
      expect(formatCode(code)).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
      expect(parseCode(formatCode(code))).toEqual({ ok: true, code });
    }
  });

  it('reads codes as people type them: any case, no dashes, spaces, full-width, O for 0 and I or L for 1', () => {
    const data = '01ABCDEFGH1JKMNPQRS';
    const code = data + checkSymbol(data);
    for (const typed of [
      code.toLowerCase(),
      formatCode(code),
      ` ${formatCode(code).replace(/-/g, ' ')} `,
      'O' + code.slice(1),
      code.slice(0, 1) + 'l' + code.slice(2),
      code.slice(0, 10) + 'I' + code.slice(11),
      '０１' + code.slice(2),
    ]) {
      expect(parseCode(typed)).toEqual({ ok: true, code });
    }
  });

  it('catches every single wrong symbol, and every swap of two neighbours or of symbols two apart', () => {
    const code = generateCode();
    for (let i = 0; i < code.length; i += 1) {
      for (const symbol of CROCKFORD) {
        if (symbol === code[i]) continue;
        expect(parseCode(code.slice(0, i) + symbol + code.slice(i + 1))).toEqual({ ok: false, reason: 'typo' });
      }
    }
    for (const distance of [1, 2]) {
      for (let i = 0; i + distance < code.length; i += 1) {
        if (code[i] === code[i + distance]) continue;
        const chars = [...code];
        [chars[i], chars[i + distance]] = [chars[i + distance]!, chars[i]!];
        expect(parseCode(chars.join(''))).toEqual({ ok: false, reason: 'typo' });
      }
    }
  });

  it('calls anything of the wrong length or with other characters malformed', () => {
    for (const input of [
      '',
      'ABC',
      generateCode() + '0',
      generateCode().slice(0, 19) + 'U',
      '!!!!-!!!!-!!!!-!!!!-!!!!',
      42,
      undefined,
      'A'.repeat(500),
    ]) {
      expect(parseCode(input)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('finds a code with a valid check symbol in text', () => {
    const code = generateCode();
    const wrong = formatCode(code.slice(0, 19) + (code.at(-1) === '0' ? '1' : '0'));
    expect(findCodeInText(`/Keywords (${wrong} ${formatCode(code)} PA-2025-000001)`)).toBe(code);
    expect(findCodeInText(`nothing here ${wrong}`)).toBeUndefined();
  });
});
