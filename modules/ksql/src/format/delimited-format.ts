import { KsqlError } from '../errors.js';
import type { Column, GenericRow } from '../schema/logical-schema.js';
import type { SqlType } from '../types/sql-type.js';
import type { Decimal } from '../values/decimal.js';
import { ensureDecimalFit } from './decimal-codec.js';
import type { KsqlSerde } from './format.js';
import { SerdeError } from './format-properties.js';
import {
  decodeBase64Strict,
  javaDoubleToString,
  parseJavaDecimal,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
} from './java-text.js';

/**
 * The DELIMITED format: one line of values, written and read as ksqlDB does with Apache
 * commons-csv 1.4's CSVFormat.DEFAULT and the chosen delimiter — quotes only where commons-csv's
 * MINIMAL policy puts them, `""` inside quotes, no trailing line separator, null as an empty field.
 */

const NAMED_DELIMITERS: Readonly<Record<string, string>> = { TAB: '\t', SPACE: ' ' };

/** ksqlDB's Delimiter.parse: one character, or the names TAB and SPACE. */
export function parseDelimiter(text: string | undefined): string {
  if (text === undefined) return ',';
  if (text.trim() === '') {
    throw new KsqlError(
      "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'",
    );
  }
  if (text.length === 1) return text;
  const named = NAMED_DELIMITERS[text];
  if (named !== undefined) return named;
  throw new KsqlError(
    `Invalid delimiter value: '${text}'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'`,
  );
}

export function validateDelimited(columns: readonly Pick<Column, 'name' | 'type'>[]): void {
  for (const c of columns) {
    const base = c.type.base;
    if (base === 'ARRAY' || base === 'MAP' || base === 'STRUCT') {
      throw new KsqlError(`The 'DELIMITED' format does not support type '${base}', column: \`${c.name}\``);
    }
  }
}

type FieldWriter = (value: unknown) => string;
type FieldParser = (text: string) => unknown;

function fieldWriter(type: SqlType): FieldWriter {
  switch (type.base) {
    case 'DOUBLE':
      return (v) => javaDoubleToString(v as number);
    case 'DECIMAL':
      return (v) => (v as Decimal).toString();
    case 'BYTES':
      return (v) => (v as Buffer).toString('base64');
    case 'STRING':
      return (v) => v as string;
    default:
      // BOOLEAN, INTEGER, BIGINT and the epoch numbers of DATE / TIME / TIMESTAMP.
      return (v) => String(v);
  }
}

function fieldParser(type: SqlType): FieldParser {
  const fail = (what: string, text: string): never => {
    throw new Error(`For input string: "${text}"${what}`);
  };
  switch (type.base) {
    case 'BOOLEAN':
      // Boolean.parseBoolean: "true" in any case, anything else false.
      return (t) => t.toLowerCase() === 'true';
    case 'INTEGER':
      return (t) => parseJavaInt(t) ?? fail('', t);
    case 'BIGINT':
    case 'TIMESTAMP':
      return (t) => parseJavaLong(t) ?? fail('', t);
    case 'DATE':
      return (t) => parseJavaInt(t) ?? fail('', t);
    case 'TIME':
      return (t) => {
        const ms = parseJavaLong(t) ?? fail('', t);
        if (ms < 0 || ms > 86_400_000) {
          throw new Error(
            'Time values must use number of milliseconds greater than 0 and less than 86400000.',
          );
        }
        return ms;
      };
    case 'DOUBLE':
      return (t) => parseJavaDouble(t) ?? fail('', t);
    case 'DECIMAL':
      return (t) => ensureDecimalFit(parseJavaDecimal(t) ?? fail(' (not a decimal)', t), type);
    case 'BYTES':
      return (t) => {
        const bytes = decodeBase64Strict(t);
        if (!bytes) throw new Error(`Value is not a valid Base64 encoded string: ${t}`);
        return bytes;
      };
    case 'STRING':
      return (t) => t;
    default:
      throw new Error(`unreachable: ${type.base}`);
  }
}

export function delimitedSerde(
  columns: readonly Pick<Column, 'name' | 'type'>[],
  delimiterText: string | undefined,
  topic: string,
): KsqlSerde<GenericRow> {
  validateDelimited(columns);
  const delimiter = parseDelimiter(delimiterText);
  const writers = columns.map((c) => fieldWriter(c.type));
  const parsers = columns.map((c) => fieldParser(c.type));
  const n = columns.length;
  return {
    serialize(row) {
      let line = '';
      for (let i = 0; i < n; i++) {
        const v = row[i];
        if (i > 0) line += delimiter;
        if (v !== null && v !== undefined) line += quoteMinimal(writers[i](v), delimiter, i === 0);
      }
      return Buffer.from(line, 'utf8');
    },
    deserialize(data) {
      try {
        const record = parseFirstRecord(data.toString('utf8'), delimiter);
        if (record === undefined || record.length === 0) throw new Error('No fields in record');
        if (record.length !== n) {
          throw new Error(
            `Column count mismatch on deserialization. topic: ${topic}, expected: ${n}, got: ${record.length}`,
          );
        }
        const row = new Array<unknown>(n);
        for (let i = 0; i < n; i++) {
          const text = record[i];
          row[i] = text === '' ? null : parsers[i](text);
        }
        return row;
      } catch (cause) {
        throw new SerdeError(`Error deserializing delimited: ${(cause as Error).message}`, { cause });
      }
    },
  };
}

const QUOTE = '"';

/**
 * commons-csv 1.4's printAndQuote under QuoteMode.MINIMAL: the first field of a line is quoted when
 * it is empty or starts with anything but a letter or digit; any field is quoted when it starts with
 * a character up to '#', contains a line break, the quote or the delimiter, or ends in a character
 * up to a space. Quotes inside are doubled.
 */
export function quoteMinimal(value: string, delimiter: string, firstInRecord: boolean): string {
  const len = value.length;
  let quote = false;
  if (len === 0) {
    quote = firstInRecord;
  } else {
    const c = value.charCodeAt(0);
    if (firstInRecord && !isAsciiAlphanumeric(c)) quote = true;
    else if (c <= 0x23) quote = true;
    else {
      const d = delimiter.charCodeAt(0);
      for (let i = 0; i < len; i++) {
        const ch = value.charCodeAt(i);
        if (ch === 0x0a || ch === 0x0d || ch === 0x22 || ch === d) {
          quote = true;
          break;
        }
      }
      if (!quote && value.charCodeAt(len - 1) <= 0x20) quote = true;
    }
  }
  if (!quote) return value;
  return QUOTE + (value.includes(QUOTE) ? value.replaceAll(QUOTE, '""') : value) + QUOTE;
}

function isAsciiAlphanumeric(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Java's Character.isWhitespace (the blanks commons-csv skips after a closing quote). */
function isJavaWhitespace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    (c >= 0x1c && c <= 0x20) ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x2006) ||
    (c >= 0x2008 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * The first record of `text` as commons-csv 1.4's Lexer reads CSVFormat.DEFAULT: empty lines are
 * skipped, a quoted field may hold delimiters, line breaks and doubled quotes, blanks may follow
 * its closing quote, and a trailing delimiter adds an empty last field. Undefined when there is no
 * record at all.
 */
export function parseFirstRecord(text: string, delimiter: string): string[] | undefined {
  const len = text.length;
  let i = 0;
  // Leading empty lines.
  while (i < len && (text[i] === '\n' || text[i] === '\r')) i++;
  if (i >= len) return undefined;
  const fields: string[] = [];
  for (;;) {
    if (i >= len) {
      // End of input right after a delimiter: one more, empty, field.
      fields.push('');
      return fields;
    }
    const c = text[i];
    if (c === delimiter) {
      fields.push('');
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      fields.push('');
      return fields;
    }
    if (c === QUOTE) {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= len) throw new Error('(startline 1) EOF reached before encapsulated token finished');
        const q = text[j];
        if (q === QUOTE) {
          if (text[j + 1] === QUOTE) {
            value += QUOTE;
            j += 2;
            continue;
          }
          j++;
          break;
        }
        value += q;
        j++;
      }
      fields.push(value);
      // After the closing quote: blanks, then a delimiter, a line end or the end.
      for (;;) {
        if (j >= len) return fields;
        const a = text[j];
        if (a === delimiter) {
          i = j + 1;
          break;
        }
        if (a === '\n' || a === '\r') return fields;
        if (!isJavaWhitespace(a.charCodeAt(0)))
          throw new Error('(line 1) invalid char between encapsulated token and delimiter');
        j++;
      }
      if (i >= len) {
        fields.push('');
        return fields;
      }
      continue;
    }
    // A simple token: up to the next delimiter or line end.
    let j = i;
    while (j < len && text[j] !== delimiter && text[j] !== '\n' && text[j] !== '\r') j++;
    fields.push(text.slice(i, j));
    if (j >= len || text[j] !== delimiter) return fields;
    i = j + 1;
  }
}
