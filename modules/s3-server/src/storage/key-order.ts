/**
 * Compares two keys in UTF-8 byte order, the order of S3 listings. JavaScript compares UTF-16 code
 * units, which differs only where a surrogate (a code point above U+FFFF) meets U+E000–U+FFFF:
 * shifting surrogates above that block at the first difference gives code point order, which is
 * UTF-8 byte order.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
