import type { NodeDef } from './nodes.js';

/** A connected part of the topology; one task per (sub-topology, input partition). */
export interface Subtopology {
  readonly id: number;
  /** Node names in insertion order (parents before children). */
  readonly nodes: readonly string[];
  readonly sourceTopics: readonly string[];
  /** Fixed sink topics (topic choosers are not listed). */
  readonly sinkTopics: readonly string[];
  readonly stores: readonly string[];
}

/**
 * Groups nodes connected by an edge or by a shared store (union–find), as Kafka Streams does;
 * a repartition topic cuts the graph because its sink and source are not linked by an edge.
 * Groups are numbered by their first node in insertion order.
 */
export function computeSubtopologies(nodes: NodeDef[], storeUsers: Map<string, string[]>): Subtopology[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  for (const n of nodes) parent.set(n.name, n.name);
  for (const n of nodes) {
    if (n.kind !== 'source') for (const p of n.parents) union(p, n.name);
  }
  for (const users of storeUsers.values()) for (let i = 1; i < users.length; i++) union(users[0], users[i]);

  const groups = new Map<string, NodeDef[]>();
  for (const n of nodes) {
    const r = find(n.name);
    let g = groups.get(r);
    if (!g) {
      g = [];
      groups.set(r, g);
    }
    g.push(n);
  }
  const out: Subtopology[] = [];
  for (const g of groups.values()) {
    const names = new Set(g.map((n) => n.name));
    const stores = [...storeUsers].filter(([, users]) => users.some((u) => names.has(u))).map(([s]) => s);
    out.push({
      id: out.length,
      nodes: g.map((n) => n.name),
      sourceTopics: g.flatMap((n) => (n.kind === 'source' ? n.topics : [])),
      sinkTopics: g.flatMap((n) => (n.kind === 'sink' && typeof n.topic === 'string' ? [n.topic] : [])),
      stores,
    });
  }
  return out;
}
