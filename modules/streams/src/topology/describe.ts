import type { NodeDef } from './nodes.js';
import type { Subtopology } from './subtopologies.js';

export interface TopologyDescription {
  readonly subtopologies: readonly Subtopology[];
  /** The text Kafka Streams' `Topology.describe().toString()` prints. */
  toString(): string;
}

export function describeTopology(
  subs: readonly Subtopology[],
  node: (name: string) => NodeDef,
): TopologyDescription {
  const text = () => {
    const lines = ['Topologies:'];
    for (const sub of subs) {
      lines.push(`   Sub-topology: ${sub.id}`);
      for (const name of sub.nodes) {
        const n = node(name);
        if (n.kind === 'source') {
          lines.push(`    Source: ${n.name} (topics: [${n.topics.join(', ')}])`);
        } else if (n.kind === 'processor') {
          lines.push(`    Processor: ${n.name} (stores: [${n.stores.join(', ')}])`);
        } else {
          const topic = typeof n.topic === 'string' ? n.topic : 'chosen per record';
          lines.push(`    Sink: ${n.name} (topic: ${topic})`);
        }
        if (n.kind !== 'sink') lines.push(`      --> ${n.children.length ? n.children.join(', ') : 'none'}`);
        if (n.kind !== 'source') lines.push(`      <-- ${n.parents.join(', ')}`);
      }
      lines.push('');
    }
    return lines.join('\n');
  };
  return { subtopologies: subs, toString: text };
}
