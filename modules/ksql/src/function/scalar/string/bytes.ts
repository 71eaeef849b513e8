import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, bound, fixed, prepareOnce, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/** TO_BYTES / FROM_BYTES / ENCODE with ksqlDB's encodings: hex (upper-case out), utf8, ascii, base64. */
type Encoding = 'hex' | 'utf8' | 'ascii' | 'base64';

export function parseEncoding(name: string): Encoding {
  const n = name.toLowerCase();
  if (n === 'hex' || n === 'utf8' || n === 'ascii' || n === 'base64') return n;
  throw new RangeError(
    `Unknown encoding: '${name}'. Supported formats are 'hex', 'utf8', 'ascii', and 'base64'.`,
  );
}

export function decodeString(s: string, enc: Encoding): Buffer {
  switch (enc) {
    case 'hex':
      if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new RangeError(`Invalid hex string: '${s}'`);
      return Buffer.from(s, 'hex');
    case 'utf8':
      return Buffer.from(s, 'utf8');
    case 'ascii':
      return Buffer.from(Array.from(s, (c) => (c.charCodeAt(0) < 128 ? c.charCodeAt(0) : 0x3f)));
    case 'base64':
      return Buffer.from(s, 'base64');
  }
}

export function encodeBytes(b: Buffer, enc: Encoding): string {
  switch (enc) {
    case 'hex':
      return b.toString('hex').toUpperCase();
    case 'utf8':
      return b.toString('utf8');
    case 'ascii':
      return Array.from(b, (x) => (x < 128 ? String.fromCharCode(x) : '\ufffd')).join('');
    case 'base64':
      return b.toString('base64');
  }
}

/** The encoding argument, resolved once when it is a literal. */
function encodingArg(constant: { value: unknown } | undefined): (v: unknown) => Encoding {
  if (constant && typeof constant.value === 'string') {
    const name = constant.value;
    return prepareOnce(() => parseEncoding(name));
  }
  return (v) => parseEncoding(v as string);
}

export const TO_BYTES = scalar(
  'TO_BYTES',
  CATEGORY.CONVERSIONS,
  'Converts a STRING value in the specified encoding to BYTES.',
  [
    bound([P.STRING, P.STRING], SqlTypes.BYTES, (call) => {
      const enc = encodingArg(call.constants[1]);
      return (a) => decodeString(a[0] as string, enc(a[1]));
    }),
  ],
);

export const FROM_BYTES = scalar(
  'FROM_BYTES',
  CATEGORY.CONVERSIONS,
  'Converts a BYTES value to STRING in the specified encoding.',
  [
    bound([P.BYTES, P.STRING], SqlTypes.STRING, (call) => {
      const enc = encodingArg(call.constants[1]);
      return (a) => encodeBytes(a[0] as Buffer, enc(a[1]));
    }),
  ],
);

/**
 * ENCODE reads hex also as `0x…` (an odd digit count gets a leading 0) and as `X'…'` / `x'…'`
 * (even digits only), as ksqlDB's hex decoder does.
 */
function hexLiteralDigits(s: string): string {
  if (/^0x/i.test(s)) {
    const digits = s.slice(2);
    return digits.length % 2 === 1 ? `0${digits}` : digits;
  }
  const quoted = /^[xX]'(.*)'$/.exec(s);
  if (quoted) return quoted[1];
  if (/^[xX]'/.test(s)) throw new RangeError(`Invalid hex literal: ${s}`);
  return s;
}

/** ENCODE writes hex in lower case (commons-codec), unlike FROM_BYTES (upper case). */
export const ENCODE = scalar(
  'ENCODE',
  CATEGORY.STRING,
  'Takes an input string s, which is encoded as input_encoding, and encodes it as output_encoding.',
  [
    fixed([P.STRING, P.STRING, P.STRING], SqlTypes.STRING, (s: string, from: string, to: string) => {
      const fromEnc = parseEncoding(from);
      const input = fromEnc === 'hex' ? hexLiteralDigits(s) : s;
      const out = encodeBytes(decodeString(input, fromEnc), parseEncoding(to));
      return to.toLowerCase() === 'hex' ? out.toLowerCase() : out;
    }),
  ],
);
