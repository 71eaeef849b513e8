import type { Member } from './group-state.js';

/** Protocols every member supports, or an empty set. */
export function commonProtocols(members: Iterable<Member>): Set<string> {
  let common: Set<string> | undefined;
  for (const m of members) {
    const names = new Set(m.protocols.map((p) => p.name));
    common = common ? new Set([...common].filter((n) => names.has(n))) : names;
  }
  return common ?? new Set();
}

/**
 * Picks the group's protocol as Kafka does: among the protocols all members support, each member
 * votes for the first one in its own preference order; most votes wins (ties: first seen).
 */
export function selectProtocol(members: Member[]): string | null {
  const candidates = commonProtocols(members);
  const votes = new Map<string, number>();
  for (const m of members) {
    const choice = m.protocols.find((p) => candidates.has(p.name));
    if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestVotes = 0;
  for (const [name, n] of votes) {
    if (n > bestVotes) {
      best = name;
      bestVotes = n;
    }
  }
  return best;
}

/** Whether a joining member's protocols fit the group's current members. */
export function supportsGroupProtocols(
  groupProtocolType: string | null,
  members: Iterable<Member>,
  memberCount: number,
  protocolType: string,
  protocols: { name: string }[],
): boolean {
  if (protocols.length === 0 || protocolType.length === 0) return false;
  if (memberCount === 0) return true;
  if (groupProtocolType !== null && groupProtocolType !== protocolType) return false;
  const common = commonProtocols(members);
  return protocols.some((p) => common.has(p.name));
}
