import { describe, expect, it } from 'vitest';
import { stronglyConnected } from './strongly-connected.js';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
const sorted = (components: string[][]) => components.map((c) => [...c].sort()).sort();

describe('stronglyConnected (the import-graph check)', () => {
  it('finds no cycle in a graph without one', () => {
    expect(stronglyConnected(graph({ a: ['b', 'c'], b: ['c'], c: [] }))).toEqual([]);
  });

  it('finds each cycle with every file in it, and leaves out files that only import into it', () => {
    const found = stronglyConnected(
      graph({ entry: ['a'], a: ['b'], b: ['c'], c: ['a', 'leaf'], leaf: [], x: ['y'], y: ['x'] }),
    );
    expect(sorted(found)).toEqual([
      ['a', 'b', 'c'],
      ['x', 'y'],
    ]);
  });

  it('joins cycles that share a file into one component', () => {
    const found = stronglyConnected(graph({ a: ['b'], b: ['a', 'c'], c: ['d'], d: ['b'] }));
    expect(sorted(found)).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('counts a file importing itself, and follows edges to files not listed as sources', () => {
    expect(stronglyConnected(graph({ self: ['self', 'outside'] }))).toEqual([['self']]);
  });

  it('handles a chain far deeper than the call stack would allow recursively', () => {
    const edges: Record<string, string[]> = {};
    const n = 200_000;
    for (let i = 0; i < n; i++) edges[`f${i}`] = [`f${(i + 1) % n}`];
    const found = stronglyConnected(graph(edges));
    expect(found).toHaveLength(1);
    expect(found[0]).toHaveLength(n);
  });
});
