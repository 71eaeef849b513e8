import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/group/clock.js';
import type { JoinRequest } from '../src/group/coordinator-api.js';
import { GroupCoordinator } from '../src/group/coordinator.js';
import { ErrorCode } from '../src/protocol/errors.js';

const logger = testLogger();
const meta = (s: string) => Buffer.from(s);

function joinReq(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: meta('m') }],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: true,
    ...over,
  };
}

/** Lets promise callbacks run (the coordinator resolves waiting requests synchronously). */
const settle = () => new Promise((r) => setImmediate(r));

describe('group coordinator state machine', () => {
  let dir: string;
  let clock: ManualClock;
  let gc: GroupCoordinator;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'groups-'));
    clock = new ManualClock();
    gc = await GroupCoordinator.open({ dataDir: dir, logger, clock });
  });
  afterEach(async () => {
    await gc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Joins one member through MEMBER_ID_REQUIRED; returns its id and the (pending) join. */
  async function joinNew(over: Partial<JoinRequest> = {}) {
    const first = await gc.join(joinReq(over));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^client-/);
    return { memberId: first.memberId, join: gc.join(joinReq({ ...over, memberId: first.memberId })) };
  }

  it('hands out a member id, elects a leader and distributes its assignment', async () => {
    const a = await joinNew();
    const joined = await a.join;
    expect(joined).toMatchObject({
      errorCode: 0,
      generationId: 1,
      protocolName: 'range',
      leader: a.memberId,
    });
    expect(joined.members.map((m) => m.memberId)).toEqual([a.memberId]);
    expect(gc.stateOf('g')).toBe('CompletingRebalance');
    const sync = await gc.sync({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: a.memberId, assignment: meta('all') }],
    });
    expect(sync.errorCode).toBe(0);
    expect(sync.assignment.toString()).toBe('all');
    expect(gc.stateOf('g')).toBe('Stable');
    expect(gc.heartbeat('g', 1, a.memberId, null)).toBe(ErrorCode.NONE);
  });

  it('joins without MEMBER_ID_REQUIRED for JoinGroup below v4', async () => {
    const joined = await gc.join(joinReq({ requireKnownMemberId: false }));
    expect(joined.errorCode).toBe(0);
    expect(joined.leader).toBe(joined.memberId);
  });

  it('rebalances when a second member joins; followers wait for the leader in SyncGroup', async () => {
    const a = await joinNew();
    await a.join;
    await gc.sync({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    const b = await joinNew();
    await settle();
    expect(gc.stateOf('g')).toBe('PreparingRebalance');
    expect(gc.heartbeat('g', 1, a.memberId, null)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const aJoin = await gc.join(joinReq({ memberId: a.memberId }));
    const bJoin = await b.join;
    expect(aJoin.generationId).toBe(2);
    expect(bJoin.generationId).toBe(2);
    expect(aJoin.leader).toBe(a.memberId);
    expect(aJoin.members).toHaveLength(2);
    expect(bJoin.members).toHaveLength(0);

    let followerDone = false;
    const bSync = gc
      .sync({
        groupId: 'g',
        generationId: 2,
        memberId: b.memberId,
        groupInstanceId: null,
        protocolType: null,
        protocolName: null,
        assignments: [],
      })
      .then((r) => {
        followerDone = true;
        return r;
      });
    await settle();
    expect(followerDone).toBe(false);
    const aSync = await gc.sync({
      groupId: 'g',
      generationId: 2,
      memberId: a.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [
        { memberId: a.memberId, assignment: meta('p0') },
        { memberId: b.memberId, assignment: meta('p1') },
      ],
    });
    expect(aSync.assignment.toString()).toBe('p0');
    expect((await bSync).assignment.toString()).toBe('p1');
    // The old generation is refused everywhere.
    expect(gc.heartbeat('g', 1, a.memberId, null)).toBe(ErrorCode.ILLEGAL_GENERATION);
    const stale = await gc.commitOffsets('g', 1, a.memberId, null, [
      { topic: 't', partition: 0, offset: 5n, leaderEpoch: -1, metadata: null },
    ]);
    expect(stale[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(gc.heartbeat('g', 2, 'nobody', null)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  async function twoMemberStableGroup() {
    const a = await joinNew();
    await a.join;
    const b = await joinNew();
    // The first member learns about the rebalance (heartbeat) and rejoins.
    const [ja, jb] = await Promise.all([gc.join(joinReq({ memberId: a.memberId })), b.join]);
    expect(ja.generationId).toBe(jb.generationId);
    const gen = ja.generationId;
    const leader = ja.leader === a.memberId ? a : b;
    const follower = leader === a ? b : a;
    const fs = gc.sync({
      groupId: 'g',
      generationId: gen,
      memberId: follower.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    await gc.sync({
      groupId: 'g',
      generationId: gen,
      memberId: leader.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    await fs;
    expect(gc.stateOf('g')).toBe('Stable');
    return { leader: leader.memberId, follower: follower.memberId, gen };
  }

  it('expires a member whose heartbeats stop and rebalances the rest', async () => {
    const { leader, follower, gen } = await twoMemberStableGroup();
    for (let i = 0; i < 2; i++) {
      clock.advance(4_000);
      expect(gc.heartbeat('g', gen, leader, null)).toBe(ErrorCode.NONE);
    }
    expect(gc.stateOf('g')).toBe('Stable');
    clock.advance(4_000);
    // 12 s without a heartbeat from the follower: past its 10 s session.
    expect(gc.stateOf('g')).toBe('PreparingRebalance');
    expect(gc.heartbeat('g', gen, follower, null)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(gc.heartbeat('g', gen, leader, null)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = await gc.join(joinReq({ memberId: leader }));
    expect(rejoin).toMatchObject({ errorCode: 0, generationId: gen + 1, leader });
    expect(rejoin.members.map((m) => m.memberId)).toEqual([leader]);
  });

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const { leader, follower, gen } = await twoMemberStableGroup();
    const rejoin = gc.join(
      joinReq({ memberId: leader, protocols: [{ name: 'range', metadata: meta('changed') }] }),
    );
    // The follower keeps heartbeating but never rejoins.
    for (let t = 0; t < 30_000; t += 3_000) {
      clock.advance(3_000);
      gc.heartbeat('g', gen, follower, null);
    }
    clock.advance(1);
    const result = await rejoin;
    expect(result.generationId).toBe(gen + 1);
    expect(result.members.map((m) => m.memberId)).toEqual([leader]);
  });

  it('rebalances on leave and becomes Empty when the last member leaves', async () => {
    const { leader, follower } = await twoMemberStableGroup();
    expect(gc.leave('g', [{ memberId: follower, groupInstanceId: null }]).members[0].errorCode).toBe(0);
    expect(gc.stateOf('g')).toBe('PreparingRebalance');
    expect(gc.leave('g', [{ memberId: 'ghost', groupInstanceId: null }]).members[0].errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    const rejoin = gc.join(joinReq({ memberId: leader }));
    expect((await rejoin).members).toHaveLength(1);
    gc.leave('g', [{ memberId: leader, groupInstanceId: null }]);
    expect(gc.stateOf('g')).toBe('Empty');
  });

  it('refuses a member whose protocols do not match the group', async () => {
    await joinNew();
    const other = await gc.join(joinReq({ protocols: [{ name: 'roundrobin', metadata: meta('x') }] }));
    expect(other.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await gc.join(joinReq({ sessionTimeoutMs: 10 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await gc.join(joinReq({ groupId: '' }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('selects the protocol every member supports by vote', async () => {
    const a = await gc.join(
      joinReq({
        requireKnownMemberId: false,
        protocols: [
          { name: 'rr', metadata: meta('a') },
          { name: 'range', metadata: meta('a') },
        ],
      }),
    );
    expect(a.protocolName).toBe('rr');
    const bJoin = gc.join(
      joinReq({ requireKnownMemberId: false, protocols: [{ name: 'range', metadata: meta('b') }] }),
    );
    const aJoin = gc.join(
      joinReq({
        memberId: a.memberId,
        requireKnownMemberId: false,
        protocols: [
          { name: 'rr', metadata: meta('a') },
          { name: 'range', metadata: meta('a') },
        ],
      }),
    );
    const [ra, rb] = await Promise.all([aJoin, bJoin]);
    expect(ra.protocolName).toBe('range');
    expect(rb.protocolName).toBe('range');
    expect(ra.members.find((m) => m.memberId === a.memberId)?.metadata.toString()).toBe('a');
  });

  it('commits and fetches offsets durably, across a reopen', async () => {
    const r = await gc.commitOffsets('offsets-only', -1, '', null, [
      { topic: 't', partition: 0, offset: 42n, leaderEpoch: 3, metadata: 'meta' },
      { topic: 't', partition: 1, offset: 7n, leaderEpoch: -1, metadata: null },
    ]);
    expect(r.map((x) => x.errorCode)).toEqual([0, 0]);
    expect(
      gc.fetchOffsets(
        'offsets-only',
        [
          { topic: 't', partition: 0 },
          { topic: 't', partition: 9 },
        ],
        false,
      ),
    ).toEqual([
      { topic: 't', partition: 0, offset: 42n, leaderEpoch: 3, metadata: 'meta', errorCode: 0 },
      { topic: 't', partition: 9, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: 0 },
    ]);
    await gc.close();
    gc = await GroupCoordinator.open({ dataDir: dir, logger, clock });
    expect(gc.fetchOffsets('offsets-only', null, false).map((o) => [o.partition, o.offset])).toEqual([
      [0, 42n],
      [1, 7n],
    ]);
    expect(gc.list()).toEqual([{ groupId: 'offsets-only', protocolType: 'consumer', state: 'Empty' }]);
  });

  it('refuses offset metadata larger than the limit, per partition', async () => {
    const r = await gc.commitOffsets('m', -1, '', null, [
      { topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: 'x'.repeat(4097) },
      { topic: 't', partition: 1, offset: 2n, leaderEpoch: -1, metadata: 'ok' },
    ]);
    expect(r.map((x) => x.errorCode)).toEqual([12, 0]); // OFFSET_METADATA_TOO_LARGE
    expect(gc.fetchOffsets('m', null, false).map((o) => [o.partition, o.offset])).toEqual([[1, 2n]]);
  });

  it('refuses commits from outside the group while it has members', async () => {
    const { leader, gen } = await twoMemberStableGroup();
    const outside = await gc.commitOffsets('g', -1, '', null, [
      { topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: '' },
    ]);
    expect(outside[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const inside = await gc.commitOffsets('g', gen, leader, null, [
      { topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: '' },
    ]);
    expect(inside[0].errorCode).toBe(0);
  });

  it('keeps transactional offsets pending until the transaction commits, drops them on abort', async () => {
    await gc.commitTxnOffsets('g', 1000n, -1, '', null, [
      { topic: 't', partition: 0, offset: 10n, leaderEpoch: -1, metadata: '' },
    ]);
    expect(gc.fetchOffsets('g', [{ topic: 't', partition: 0 }], false)[0].offset).toBe(-1n);
    expect(gc.fetchOffsets('g', [{ topic: 't', partition: 0 }], true)[0].errorCode).toBe(
      ErrorCode.UNSTABLE_OFFSET_COMMIT,
    );
    await gc.endTransaction(1000n, ['g'], true);
    expect(gc.fetchOffsets('g', [{ topic: 't', partition: 0 }], true)[0]).toMatchObject({
      offset: 10n,
      errorCode: 0,
    });

    await gc.commitTxnOffsets('g', 1000n, -1, '', null, [
      { topic: 't', partition: 0, offset: 20n, leaderEpoch: -1, metadata: '' },
    ]);
    await gc.close();
    gc = await GroupCoordinator.open({ dataDir: dir, logger, clock });
    expect(gc.fetchOffsets('g', [{ topic: 't', partition: 0 }], true)[0].errorCode).toBe(
      ErrorCode.UNSTABLE_OFFSET_COMMIT,
    );
    await gc.endTransaction(1000n, ['g'], false);
    expect(gc.fetchOffsets('g', [{ topic: 't', partition: 0 }], true)[0]).toMatchObject({
      offset: 10n,
      errorCode: 0,
    });
  });

  it('describes, lists and deletes groups', async () => {
    const { leader, follower } = await twoMemberStableGroup();
    const d = gc.describe('g');
    expect(d.state).toBe('Stable');
    expect(d.protocolName).toBe('range');
    expect(d.members.map((m) => m.memberId).sort()).toEqual([leader, follower].sort());
    expect(gc.describe('unknown').state).toBe('Dead');
    expect(gc.list()).toEqual([{ groupId: 'g', protocolType: 'consumer', state: 'Stable' }]);
    expect(await gc.deleteGroups(['g', 'unknown'])).toEqual([
      { groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'unknown', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    gc.leave('g', [
      { memberId: leader, groupInstanceId: null },
      { memberId: follower, groupInstanceId: null },
    ]);
    expect(gc.stateOf('g')).toBe('Empty');
    await gc.commitOffsets('g', -1, '', null, [
      { topic: 't', partition: 0, offset: 3n, leaderEpoch: -1, metadata: '' },
    ]);
    expect(await gc.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: 0 }]);
    expect(gc.fetchOffsets('g', null, false)).toEqual([]);
    expect(gc.list()).toEqual([]);
  });

  it('expires a member id handed out with MEMBER_ID_REQUIRED that never comes back', async () => {
    const first = await gc.join(joinReq());
    clock.advance(10_001);
    const late = await gc.join(joinReq({ memberId: first.memberId }));
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('lets a static member rejoin under a new member id without a rebalance, fencing the old id', async () => {
    const first = await gc.join(joinReq({ groupInstanceId: 'pod-1' }));
    expect(first.errorCode).toBe(0);
    await gc.sync({
      groupId: 'g',
      generationId: first.generationId,
      memberId: first.memberId,
      groupInstanceId: 'pod-1',
      protocolType: null,
      protocolName: null,
      assignments: [{ memberId: first.memberId, assignment: meta('mine') }],
    });
    // The process restarts: it knows its instance id but not its member id.
    const again = await gc.join(joinReq({ groupInstanceId: 'pod-1' }));
    expect(again.errorCode).toBe(0);
    expect(again.memberId).not.toBe(first.memberId);
    expect(again.generationId).toBe(first.generationId);
    expect(gc.stateOf('g')).toBe('Stable');
    const sync = await gc.sync({
      groupId: 'g',
      generationId: again.generationId,
      memberId: again.memberId,
      groupInstanceId: 'pod-1',
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    expect(sync.assignment.toString()).toBe('mine');
    expect(gc.heartbeat('g', first.generationId, first.memberId, 'pod-1')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(gc.heartbeat('g', again.generationId, again.memberId, 'pod-2')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(gc.heartbeat('g', again.generationId, again.memberId, 'pod-1')).toBe(ErrorCode.NONE);
  });
});
