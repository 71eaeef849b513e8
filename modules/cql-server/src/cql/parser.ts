import { syntaxError } from '../protocol/errors.js';
import { type CqlType, nativeTypeByName } from '../types/cql-type.js';
import type {
  CreateKeyspace,
  CreateTable,
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
import { tokenize } from './lexer.js';
import { TokenCursor } from './token-cursor.js';

/** Parses one CQL statement (the subset described in the README) with recursive descent. */
export function parseStatement(cql: string): ParsedStatement {
  const p = new Parser(tokenize(cql));
  const statement = p.statement();
  p.accept(';');
  p.expectEof();
  return { statement, bindCount: p.bindCount };
}

class Parser extends TokenCursor {
  bindCount = 0;

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

  private create(): Statement {
    this.expectWord('create');
    if (this.acceptWord('keyspace') || this.acceptWord('schema')) return this.createKeyspace();
    if (this.acceptWord('table') || this.acceptWord('columnfamily')) return this.createTable();
    return this.fail('KEYSPACE or TABLE');
  }

  private drop(): Statement {
    this.expectWord('drop');
    if (this.acceptWord('keyspace') || this.acceptWord('schema')) {
      const ifExists = this.ifExists();
      return { type: 'dropKeyspace', ifExists, name: this.identifier() };
    }
    if (this.acceptWord('table') || this.acceptWord('columnfamily')) {
      const ifExists = this.ifExists();
      return { type: 'dropTable', ifExists, table: this.qualifiedName() };
    }
    return this.fail('KEYSPACE or TABLE');
  }

  private createKeyspace(): CreateKeyspace {
    const ifNotExists = this.ifNotExists();
    const name = this.identifier();
    let replication: Record<string, string> = {};
    let durableWrites = true;
    this.expectWord('with');
    do {
      const prop = this.identifier();
      this.expect('=');
      if (prop === 'replication') {
        replication = this.stringMap();
      } else if (prop === 'durable_writes') {
        durableWrites = this.booleanValue();
      } else {
        this.fail('replication or durable_writes');
      }
    } while (this.acceptWord('and'));
    return { type: 'createKeyspace', ifNotExists, name, replication, durableWrites };
  }

  private booleanValue(): boolean {
    const t = this.next();
    if (t.kind === 'ident' && (t.value === 'true' || t.value === 'false')) return t.value === 'true';
    if (t.kind === 'string' && /^(true|false)$/i.test(t.value)) return t.value.toLowerCase() === 'true';
    return this.fail('boolean', t);
  }

  /** `{ 'k': 'v', 'n': 3 }` with values kept as their text. */
  private stringMap(): Record<string, string> {
    const out: Record<string, string> = {};
    this.expect('{');
    if (!this.accept('}')) {
      do {
        const k = this.next();
        if (k.kind !== 'string') this.fail('string key', k);
        this.expect(':');
        out[k.value] = this.optionScalar();
      } while (this.accept(','));
      this.expect('}');
    }
    return out;
  }

  private optionScalar(): string {
    const t = this.next();
    if (t.kind === 'string' || t.kind === 'integer' || t.kind === 'float' || t.kind === 'ident')
      return t.value;
    return this.fail('constant', t);
  }

  private cqlType(): CqlType {
    const t = this.peek();
    const name = this.identifier();
    if (name === 'frozen') {
      this.expect('<');
      const inner = this.cqlType();
      this.expect('>');
      if (inner.kind !== 'native') inner.frozen = true;
      return inner;
    }
    if (name === 'list' || name === 'set') {
      this.expect('<');
      const element = this.cqlType();
      this.expect('>');
      return { kind: name, element, frozen: false };
    }
    if (name === 'map') {
      this.expect('<');
      const key = this.cqlType();
      this.expect(',');
      const value = this.cqlType();
      this.expect('>');
      return { kind: 'map', key, value, frozen: false };
    }
    const native = nativeTypeByName(name);
    if (!native) throw syntaxError(`line ${t.line}:${t.col} Unknown type ${name}`);
    return native;
  }

  private createTable(): CreateTable {
    const ifNotExists = this.ifNotExists();
    const table = this.qualifiedName();
    const columns: CreateTable['columns'] = [];
    let partitionKey: string[] = [];
    let clustering: string[] = [];
    this.expect('(');
    do {
      if (this.isWord('primary') && this.isWord('key', 1)) {
        this.pos += 2;
        this.expect('(');
        if (this.accept('(')) {
          partitionKey = this.identifierList();
          this.expect(')');
        } else {
          partitionKey = [this.identifier()];
        }
        clustering = [];
        while (this.accept(',')) clustering.push(this.identifier());
        this.expect(')');
        continue;
      }
      const name = this.identifier();
      const type = this.cqlType();
      columns.push({ name, type });
      if (this.isWord('static')) this.fail("',' (static columns are not supported)");
      if (this.acceptWord('primary')) {
        this.expectWord('key');
        partitionKey = [name];
      }
    } while (this.accept(','));
    this.expect(')');
    const clusteringOrder = new Map<string, 'ASC' | 'DESC'>();
    const options: Record<string, unknown> = {};
    if (this.acceptWord('with')) {
      do {
        if (this.acceptWord('clustering')) {
          this.expectWord('order');
          this.expectWord('by');
          this.expect('(');
          do {
            const col = this.identifier();
            const dir = this.direction();
            clusteringOrder.set(col, dir);
          } while (this.accept(','));
          this.expect(')');
        } else if (this.acceptWord('compact')) {
          this.expectWord('storage');
          this.fail('option (COMPACT STORAGE is not supported)');
        } else {
          const prop = this.identifier();
          this.expect('=');
          options[prop] =
            this.peek().kind === 'punct' && this.peek().value === '{'
              ? this.stringMap()
              : this.optionScalar();
        }
      } while (this.acceptWord('and'));
    }
    return {
      type: 'createTable',
      ifNotExists,
      table,
      columns,
      partitionKey,
      clustering,
      clusteringOrder,
      options,
    };
  }

  /** Optional ASC/DESC after a column; ASC when absent. */
  private direction(): 'ASC' | 'DESC' {
    if (this.acceptWord('desc')) return 'DESC';
    this.acceptWord('asc');
    return 'ASC';
  }

  private alterTable(): Statement {
    this.expectWord('alter');
    if (!this.acceptWord('table') && !this.acceptWord('columnfamily')) this.fail('TABLE');
    const table = this.qualifiedName();
    const add: { name: string; type: CqlType }[] = [];
    const drop: string[] = [];
    const parenthesized = (item: () => void) => {
      if (this.accept('(')) {
        do item();
        while (this.accept(','));
        this.expect(')');
      } else {
        do item();
        while (this.accept(','));
      }
    };
    if (this.acceptWord('add')) {
      parenthesized(() => add.push({ name: this.identifier(), type: this.cqlType() }));
    } else if (this.acceptWord('drop')) {
      parenthesized(() => drop.push(this.identifier()));
    } else {
      this.fail('ADD or DROP (other ALTER TABLE forms are not supported)');
    }
    return { type: 'alterTable', table, add, drop };
  }

  private identifierList(): string[] {
    const out = [this.identifier()];
    while (this.accept(',')) out.push(this.identifier());
    return out;
  }

  private term(): Term {
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

  private using(): UsingClause {
    const using: UsingClause = {};
    if (!this.acceptWord('using')) return using;
    do {
      if (this.acceptWord('ttl')) using.ttl = this.term();
      else if (this.acceptWord('timestamp')) using.timestamp = this.term();
      else this.fail('TTL or TIMESTAMP');
    } while (this.acceptWord('and'));
    return using;
  }

  private insert(): Insert {
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

  private update(): Update {
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

  private delete(): Delete {
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

  private whereClause(): Relation[] {
    const out: Relation[] = [];
    do {
      out.push(this.relation());
    } while (this.acceptWord('and'));
    return out;
  }

  private relation(): Relation {
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

  private select(): Select {
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

  private selector(): Selector {
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
