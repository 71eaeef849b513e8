import type { Column } from '../schema/logical-schema.js';
import { formatSqlType, type SqlStructField, type SqlType, SqlTypes } from '../types/sql-type.js';

/**
 * Parses the schema text of a QTT `post.sources[].schema` — `` `K` STRING KEY, V INT, H BYTES HEADER('h') ``
 * — into columns (unquoted names upper-cased, as ksqlDB's schema parser does), and prints columns
 * back in that form for failure messages.
 */
export function parseSchemaText(text: string): Column[] {
  const p = new Parser(text);
  const cols: Column[] = [];
  if (p.atEnd()) return cols;
  for (;;) {
    const name = p.identifier();
    const type = p.type();
    let namespace: Column['namespace'] = 'VALUE';
    let headerKey: string | null | undefined;
    if (p.keyword('PRIMARY')) {
      p.expectKeyword('KEY');
      namespace = 'KEY';
    } else if (p.keyword('KEY')) namespace = 'KEY';
    else if (p.keyword('HEADERS')) headerKey = null;
    else if (p.keyword('HEADER')) {
      p.expect('(');
      headerKey = p.stringLiteral();
      p.expect(')');
    }
    cols.push(headerKey === undefined ? { name, type, namespace } : { name, type, namespace, headerKey });
    if (p.atEnd()) return cols;
    p.expect(',');
  }
}

export function formatColumns(cols: readonly Column[]): string {
  return cols
    .map((c) => {
      const suffix =
        c.namespace === 'KEY'
          ? ' KEY'
          : c.headerKey === null
            ? ' HEADERS'
            : c.headerKey !== undefined
              ? ` HEADER('${c.headerKey}')`
              : '';
      return `\`${c.name}\` ${formatSqlType(c.type)}${suffix}`;
    })
    .join(', ');
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  private ws() {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  atEnd(): boolean {
    this.ws();
    return this.i >= this.s.length;
  }

  private fail(what: string): never {
    throw new Error(`cannot parse schema '${this.s}': ${what} at offset ${this.i}`);
  }

  expect(ch: string) {
    this.ws();
    if (this.s[this.i] !== ch) this.fail(`expected '${ch}'`);
    this.i++;
  }

  private peekWord(): string {
    this.ws();
    // ksqlDB identifiers may start with a digit (`1R`) and contain '@' and '$'
    const m = /^[A-Za-z0-9_@$]+/.exec(this.s.slice(this.i));
    return m ? m[0] : '';
  }

  keyword(word: string): boolean {
    const w = this.peekWord();
    if (w.toUpperCase() !== word) return false;
    this.i += w.length;
    return true;
  }

  expectKeyword(word: string) {
    if (!this.keyword(word)) this.fail(`expected ${word}`);
  }

  identifier(): string {
    this.ws();
    const q = this.s[this.i];
    if (q === '`' || q === '"') {
      const end = this.s.indexOf(q, this.i + 1);
      if (end < 0) this.fail('unterminated identifier');
      const name = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return name;
    }
    const w = this.peekWord();
    if (!w) this.fail('expected an identifier');
    this.i += w.length;
    return w.toUpperCase();
  }

  stringLiteral(): string {
    this.ws();
    if (this.s[this.i] !== "'") this.fail('expected a string');
    const end = this.s.indexOf("'", this.i + 1);
    const v = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    return v;
  }

  private intLiteral(): number {
    this.ws();
    const m = /^\d+/.exec(this.s.slice(this.i));
    if (!m) this.fail('expected a number');
    this.i += m[0].length;
    return Number(m[0]);
  }

  type(): SqlType {
    const w = this.peekWord().toUpperCase();
    if (!w) this.fail('expected a type');
    this.i += w.length;
    switch (w) {
      case 'BOOLEAN':
        return SqlTypes.BOOLEAN;
      case 'INT':
      case 'INTEGER':
        return SqlTypes.INTEGER;
      case 'BIGINT':
        return SqlTypes.BIGINT;
      case 'DOUBLE':
        return SqlTypes.DOUBLE;
      case 'STRING':
      case 'VARCHAR':
        return SqlTypes.STRING;
      case 'BYTES':
        return SqlTypes.BYTES;
      case 'DATE':
        return SqlTypes.DATE;
      case 'TIME':
        return SqlTypes.TIME;
      case 'TIMESTAMP':
        return SqlTypes.TIMESTAMP;
      case 'DECIMAL': {
        this.expect('(');
        const p = this.intLiteral();
        this.expect(',');
        const s = this.intLiteral();
        this.expect(')');
        return SqlTypes.decimal(p, s);
      }
      case 'ARRAY': {
        this.expect('<');
        const e = this.type();
        this.expect('>');
        return SqlTypes.array(e);
      }
      case 'MAP': {
        this.expect('<');
        const k = this.type();
        this.expect(',');
        const v = this.type();
        this.expect('>');
        return SqlTypes.map(k, v);
      }
      case 'STRUCT': {
        this.expect('<');
        const fields: SqlStructField[] = [];
        this.ws();
        if (this.s[this.i] === '>') {
          this.i++;
          return SqlTypes.struct(fields);
        }
        for (;;) {
          const name = this.identifier();
          fields.push({ name, type: this.type() });
          this.ws();
          if (this.s[this.i] === '>') {
            this.i++;
            return SqlTypes.struct(fields);
          }
          this.expect(',');
        }
      }
      default:
        return this.fail(`unknown type ${w}`);
    }
  }
}
