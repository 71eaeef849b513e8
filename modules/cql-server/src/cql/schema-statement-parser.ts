import { syntaxError } from '../protocol/errors.js';
import { type CqlType, nativeTypeByName } from '../types/cql-type.js';
import type { CreateKeyspace, CreateTable, Statement } from './ast.js';
import { TokenCursor } from './token-cursor.js';

/** CREATE KEYSPACE / TABLE, DROP, ALTER TABLE and the CQL types they name. */
export class SchemaStatementParser extends TokenCursor {
  protected create(): Statement {
    this.expectWord('create');
    if (this.acceptWord('keyspace') || this.acceptWord('schema')) return this.createKeyspace();
    if (this.acceptWord('table') || this.acceptWord('columnfamily')) return this.createTable();
    return this.fail('KEYSPACE or TABLE');
  }

  protected drop(): Statement {
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

  protected createKeyspace(): CreateKeyspace {
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

  protected booleanValue(): boolean {
    const t = this.next();
    if (t.kind === 'ident' && (t.value === 'true' || t.value === 'false')) return t.value === 'true';
    if (t.kind === 'string' && /^(true|false)$/i.test(t.value)) return t.value.toLowerCase() === 'true';
    return this.fail('boolean', t);
  }

  /** `{ 'k': 'v', 'n': 3 }` with values kept as their text. */
  protected stringMap(): Record<string, string> {
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

  protected optionScalar(): string {
    const t = this.next();
    if (t.kind === 'string' || t.kind === 'integer' || t.kind === 'float' || t.kind === 'ident')
      return t.value;
    return this.fail('constant', t);
  }

  protected cqlType(): CqlType {
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

  protected createTable(): CreateTable {
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

  protected alterTable(): Statement {
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
}
