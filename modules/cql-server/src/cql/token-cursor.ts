import { syntaxError } from '../protocol/errors.js';
import type { QualifiedName } from './ast.js';
import type { Token } from './lexer.js';

/**
 * Reading a CQL statement's tokens one at a time, with the checks every rule of the parser uses
 * (words, punctuation, identifiers, IF [NOT] EXISTS) and CQL's syntax error naming the line,
 * column and what was expected.
 */
export class TokenCursor {
  protected pos = 0;

  constructor(private readonly tokens: Token[]) {}

  protected peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  protected next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  protected fail(expecting: string, t = this.peek()): never {
    const input = t.kind === 'eof' ? '<EOF>' : t.raw;
    throw syntaxError(`line ${t.line}:${t.col} mismatched input '${input}' expecting ${expecting}`);
  }

  protected isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.value === word;
  }

  protected acceptWord(word: string): boolean {
    if (this.isWord(word)) {
      this.pos++;
      return true;
    }
    return false;
  }

  protected expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail(word.toUpperCase());
  }

  accept(punct: string): boolean {
    const t = this.peek();
    if (t.kind === 'punct' && t.value === punct) {
      this.pos++;
      return true;
    }
    return false;
  }

  protected expect(punct: string): void {
    if (!this.accept(punct)) this.fail(`'${punct}'`);
  }

  expectEof(): void {
    if (this.peek().kind !== 'eof') this.fail('EOF');
  }

  protected identifier(): string {
    const t = this.peek();
    if (t.kind === 'ident' || t.kind === 'qident') {
      this.pos++;
      return t.value;
    }
    return this.fail('IDENT');
  }

  protected qualifiedName(): QualifiedName {
    const first = this.identifier();
    if (this.accept('.')) return { keyspace: first, name: this.identifier() };
    return { name: first };
  }

  protected ifNotExists(): boolean {
    if (this.isWord('if')) {
      this.pos++;
      this.expectWord('not');
      this.expectWord('exists');
      return true;
    }
    return false;
  }

  protected ifExists(): boolean {
    if (this.isWord('if')) {
      this.pos++;
      this.expectWord('exists');
      return true;
    }
    return false;
  }
}
