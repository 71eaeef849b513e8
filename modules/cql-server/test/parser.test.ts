import { describe, expect, it } from 'vitest';
import { tokenize } from '../src/cql/lexer.js';
import { parseStatement } from '../src/cql/parser.js';
import type { CqlError } from '../src/protocol/errors.js';

function syntaxErrorOf(cql: string): CqlError {
  try {
    parseStatement(cql);
  } catch (err) {
    return err as CqlError;
  }
  throw new Error(`expected a syntax error for: ${cql}`);
}

describe('CQL lexer and parser', () => {
  it('tokenizes uuids, blobs, numbers, strings with escapes, named markers and comments', () => {
    const toks = tokenize(
      "a -- c\n 123e4567-e89b-12d3-a456-426614174000 0xCAFE 1.5e3 'it''s' :name \"Q\" /* x */ ?",
    );
    expect(toks.map((t) => [t.kind, t.value])).toEqual([
      ['ident', 'a'],
      ['uuid', '123e4567-e89b-12d3-a456-426614174000'],
      ['hex', '0xCAFE'],
      ['float', '1.5e3'],
      ['string', "it's"],
      ['named', 'name'],
      ['qident', 'Q'],
      ['qmark', '?'],
      ['eof', ''],
    ]);
  });

  it('parses a SELECT with every clause and numbers bind markers in order', () => {
    const { statement, bindCount } = parseStatement(
      'select A, "B" as bee, count(*) FROM ks.t WHERE k IN ? AND c >= :lo AND c < 10 ORDER BY c DESC LIMIT ? ALLOW FILTERING;',
    );
    expect(bindCount).toBe(3);
    expect(statement).toMatchObject({
      type: 'select',
      table: { keyspace: 'ks', name: 't' },
      selectors: [
        { kind: 'column', name: 'a' },
        { kind: 'column', name: 'B', alias: 'bee' },
        { kind: 'count' },
      ],
      where: [
        { column: 'k', op: 'IN', inMarker: true, value: { kind: 'bind', index: 0 } },
        { column: 'c', op: '>=', value: { kind: 'bind', index: 1, name: 'lo' } },
        { column: 'c', op: '<', value: { kind: 'literal', lit: { kind: 'integer', text: '10' } } },
      ],
      orderBy: [{ column: 'c', dir: 'DESC' }],
      limit: { kind: 'bind', index: 2 },
      allowFiltering: true,
    });
  });

  it('parses CREATE TABLE with composite keys, clustering order and options', () => {
    const { statement } = parseStatement(
      'CREATE TABLE IF NOT EXISTS m (g text, b int, ws timestamp, v double, PRIMARY KEY ((g, b), ws)) ' +
        "WITH CLUSTERING ORDER BY (ws DESC) AND default_time_to_live = 60 AND compaction = {'class': 'X'}",
    );
    expect(statement).toMatchObject({
      type: 'createTable',
      ifNotExists: true,
      partitionKey: ['g', 'b'],
      clustering: ['ws'],
      options: { default_time_to_live: '60', compaction: { class: 'X' } },
    });
    expect((statement as { clusteringOrder: Map<string, string> }).clusteringOrder.get('ws')).toBe('DESC');
  });

  it('parses INSERT with IF NOT EXISTS and USING TTL in either order, and negative literals', () => {
    const a = parseStatement("INSERT INTO t (k, v) VALUES (-1, 'x') IF NOT EXISTS USING TTL 5").statement;
    const b = parseStatement('INSERT INTO t (k, v) VALUES (?, -2.5) USING TTL ? AND TIMESTAMP 1').statement;
    expect(a).toMatchObject({ ifNotExists: true, using: { ttl: { kind: 'literal' } } });
    expect(b).toMatchObject({ ifNotExists: false, values: [{ kind: 'bind' }, { lit: { text: '-2.5' } }] });
  });

  it('reports syntax errors with Cassandra-style positions', () => {
    expect(syntaxErrorOf('SELEC * FROM t')).toMatchObject({
      code: 0x2000,
      message: "line 1:0 no viable alternative at input 'SELEC'",
    });
    expect(syntaxErrorOf('SELECT * FROM t WHERE').message).toBe(
      "line 1:21 mismatched input '<EOF>' expecting IDENT",
    );
    expect(syntaxErrorOf('SELECT * FROM t\nWHERE k = = 1').message).toMatch(/^line 2:10 /);
    expect(syntaxErrorOf("INSERT INTO t (k) VALUES ('open").message).toContain('unterminated string');
    expect(syntaxErrorOf('CREATE TABLE t (k frob PRIMARY KEY)').message).toContain('Unknown type frob');
  });
});
