import { syntaxError } from '../protocol/errors.js';
import type {
  Delete,
  Insert,
  ParsedStatement,
  Relation,
  Select,
  Selector,
  Statement,
  Term,
  Update,
  UsingClause,
} from './ast.js';
import { AuthStatementParser, isAuthStatement } from './auth-statement-parser.js';
import { tokenize } from './lexer.js';
import { SchemaStatementParser } from './schema-statement-parser.js';

/** Parses one CQL statement (the subset described in the README) with recursive descent. */
export function parseStatement(cql: string): ParsedStatement {
  const tokens = tokenize(cql);
  if (isAuthStatement(tokens)) {
    const a = new AuthStatementParser(tokens);
    const statement = a.statement();
    a.accept(';');
    a.expectEof();
    return { statement, bindCount: 0 };
  }
  const p = new Parser(tokens);
  const statement = p.statement();
  p.accept(';');
  p.expectEof();
  return { statement, bindCount: p.bindCount };
}

/** A statement by its first word; the data statements (SELECT, INSERT, UPDATE, DELETE) are here. */
class Parser extends SchemaStatementParser {
  statement(): Statement {
    const t = this.peek();
    if (t.kind !== 'ident') return this.fail('statement');
    switch (t.value) {
      case 'select':
        return this.select();
      case 'insert':
        return this.insert();
      case 'update':
        return this.update();
      case 'delete':
        return this.delete();
      case 'create':
        return this.create();
      case 'drop':
        return this.drop();
      case 'alter':
        return this.alterTable();
      case 'use':
        this.pos++;
        return { type: 'use', keyspace: this.identifier() };
      case 'truncate':
        this.pos++;
        this.acceptWord('table');
        return { type: 'truncate', table: this.qualifiedName() };
      default:
        throw syntaxError(`line ${t.line}:${t.col} no viable alternative at input '${t.raw}'`);
    }
  }

  protected term(): Term {
    const t = this.next();
    switch (t.kind) {
      case 'qmark':
        return { kind: 'bind', index: this.bindCount++ };
      case 'named':
        return { kind: 'bind', index: this.bindCount++, name: t.value };
      case 'string':
        return { kind: 'literal', lit: { kind: 'string', value: t.value } };
      case 'integer':
        return { kind: 'literal', lit: { kind: 'integer', text: t.value } };
      case 'float':
        return { kind: 'literal', lit: { kind: 'float', text: t.value } };
      case 'uuid':
        return { kind: 'literal', lit: { kind: 'uuid', text: t.value } };
      case 'hex':
        return { kind: 'literal', lit: { kind: 'hex', text: t.value } };
      case 'ident':
        if (t.value === 'true' || t.value === 'false') {
          return { kind: 'literal', lit: { kind: 'boolean', value: t.value === 'true' } };
        }
        if (t.value === 'null') return { kind: 'literal', lit: { kind: 'null' } };
        if (t.value === 'nan' || t.value === 'infinity') {
          return { kind: 'literal', lit: { kind: 'float', text: t.value === 'nan' ? 'NaN' : 'Infinity' } };
        }
        return this.fail('a value', t);
      case 'punct':
        if (t.value === '-') {
          const n = this.next();
          if (n.kind === 'integer' || n.kind === 'float') {
            return { kind: 'literal', lit: { kind: n.kind, text: `-${n.value}` } };
          }
          if (n.kind === 'ident' && n.value === 'infinity') {
            return { kind: 'literal', lit: { kind: 'float', text: '-Infinity' } };
          }
          return this.fail('a number', n);
        }
        return this.fail('a value', t);
      default:
        return this.fail('a value', t);
    }
  }

  protected using(): UsingClause {
    const using: UsingClause = {};
    if (!this.acceptWord('using')) return using;
    do {
      if (this.acceptWord('ttl')) using.ttl = this.term();
      else if (this.acceptWord('timestamp')) using.timestamp = this.term();
      else this.fail('TTL or TIMESTAMP');
    } while (this.acceptWord('and'));
    return using;
  }

  protected insert(): Insert {
    this.expectWord('insert');
    this.expectWord('into');
    const table = this.qualifiedName();
    if (this.isWord('json')) this.fail("'(' (INSERT JSON is not supported)");
    this.expect('(');
    const columns = this.identifierList();
    this.expect(')');
    this.expectWord('values');
    this.expect('(');
    const values: Term[] = [this.term()];
    while (this.accept(',')) values.push(this.term());
    this.expect(')');
    let ifNotExists = this.ifNotExists();
    const using = this.using();
    if (!ifNotExists) ifNotExists = this.ifNotExists();
    return { type: 'insert', table, columns, values, ifNotExists, using };
  }

  protected update(): Update {
    this.expectWord('update');
    const table = this.qualifiedName();
    const using = this.using();
    this.expectWord('set');
    const assignments: Update['assignments'] = [];
    do {
      const column = this.identifier();
      this.expect('=');
      assignments.push({ column, value: this.term() });
    } while (this.accept(','));
    this.expectWord('where');
    const where = this.whereClause();
    if (this.isWord('if')) this.fail('EOF (conditional UPDATE is not supported)');
    return { type: 'update', table, using, assignments, where };
  }

  protected delete(): Delete {
    this.expectWord('delete');
    const columns: string[] = [];
    if (!this.isWord('from')) {
      columns.push(...this.identifierList());
    }
    this.expectWord('from');
    const table = this.qualifiedName();
    const using = this.using();
    this.expectWord('where');
    const where = this.whereClause();
    if (this.isWord('if')) this.fail('EOF (conditional DELETE is not supported)');
    return { type: 'delete', table, columns, using, where };
  }

  protected whereClause(): Relation[] {
    const out: Relation[] = [];
    do {
      out.push(this.relation());
    } while (this.acceptWord('and'));
    return out;
  }

  protected relation(): Relation {
    if (this.peek().kind === 'punct' && this.peek().value === '(') {
      this.fail('identifier (multi-column relations are not supported)');
    }
    if (this.isWord('token') && this.peek(1).value === '(')
      this.fail('identifier (token() is not supported)');
    const column = this.identifier();
    const t = this.next();
    if (t.kind === 'ident' && t.value === 'in') {
      if (this.accept('(')) {
        const values: Term[] = [];
        if (!this.accept(')')) {
          values.push(this.term());
          while (this.accept(',')) values.push(this.term());
          this.expect(')');
        }
        return { column, op: 'IN', value: values };
      }
      const marker = this.term();
      if (marker.kind !== 'bind') this.fail("'(' or bind marker", t);
      return { column, op: 'IN', value: marker, inMarker: true };
    }
    if (t.kind === 'punct' && ['=', '<', '<=', '>', '>=', '!='].includes(t.value)) {
      return { column, op: t.value as Relation['op'], value: this.term() };
    }
    return this.fail('operator (=, <, <=, >, >=, IN)', t);
  }

  protected select(): Select {
    this.expectWord('select');
    if (this.isWord('json') || this.isWord('distinct'))
      this.fail('selector (JSON/DISTINCT are not supported)');
    let selectors: Select['selectors'];
    if (this.accept('*')) {
      selectors = '*';
    } else {
      selectors = [];
      do {
        selectors.push(this.selector());
      } while (this.accept(','));
    }
    this.expectWord('from');
    const table = this.qualifiedName();
    let where: Relation[] = [];
    if (this.acceptWord('where')) where = this.whereClause();
    const orderBy: Select['orderBy'] = [];
    if (this.acceptWord('order')) {
      this.expectWord('by');
      do {
        const column = this.identifier();
        const dir = this.direction();
        orderBy.push({ column, dir });
      } while (this.accept(','));
    }
    let limit: Term | undefined;
    if (this.acceptWord('limit')) limit = this.term();
    let allowFiltering = false;
    if (this.acceptWord('allow')) {
      this.expectWord('filtering');
      allowFiltering = true;
    }
    return { type: 'select', table, selectors, where, orderBy, limit, allowFiltering };
  }

  protected selector(): Selector {
    let sel: Selector;
    if (this.isWord('count') && this.peek(1).value === '(') {
      this.pos += 2;
      if (!this.accept('*')) {
        const t = this.next();
        if (!(t.kind === 'integer' && t.value === '1')) this.fail("'*' or 1", t);
      }
      this.expect(')');
      sel = { kind: 'count' };
    } else {
      const t = this.peek();
      const name = this.identifier();
      if (this.peek().kind === 'punct' && this.peek().value === '(') {
        throw syntaxError(`line ${t.line}:${t.col} function ${name}() is not supported (only count(*))`);
      }
      sel = { kind: 'column', name };
    }
    if (this.acceptWord('as')) sel.alias = this.identifier();
    return sel;
  }
}
