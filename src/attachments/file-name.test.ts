import { describe, expect, it } from 'vitest';
import { parseRange } from './byte-range.js';
import { cleanFileName, contentDisposition } from './file-name.js';

describe('file names', () => {
  it('keeps the last path segment and refuses what cannot be a label', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\fakepath\\report.pdf')).toBe('report.pdf');
    expect(cleanFileName('  Übersicht.txt ')).toBe('Übersicht.txt');
    for (const bad of ['', '   ', '..', 'dir/', 'a\nb.txt', 'a\u0000b', 'x\u202Egnp.exe', 'x'.repeat(256)]) {
      expect(() => cleanFileName(bad), JSON.stringify(bad)).toThrow();
    }
  });

  it('writes Content-Disposition with an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('attachment', 'Übersicht "Q1".txt')).toBe(
      `attachment; filename="_bersicht _Q1_.txt"; filename*=UTF-8''%C3%9Cbersicht%20%22Q1%22.txt`,
    );
    expect(contentDisposition('inline', "it's (1).png")).toBe(`inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`);
  });
});

describe('byte ranges', () => {
  it('reads one range of bytes and ignores what it need not honour', () => {
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('bytes=0-3', 10)).toEqual({ start: 0, end: 3 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=8-100', 10)).toEqual({ start: 8, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,4-5', 10)).toBeUndefined();
    expect(parseRange('items=0-1', 10)).toBeUndefined();
    expect(parseRange('bytes=5-2', 10)).toBeUndefined();
  });
});
