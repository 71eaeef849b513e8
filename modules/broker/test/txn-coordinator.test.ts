import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/group/clock.js';
import { ErrorCode } from '../src/protocol/errors.js';
import { TransactionCoordinator, type TxnParticipants } from '../src/txn/coordinator.js';

const logger = testLogger();
const NO_PID = { producerId: -1n, producerEpoch: -1 };

/** Records the markers and offset decisions the coordinator asks for. */
class Recorder implements TxnParticipants {
  markers: string[] = [];
  offsets: string[] = [];
  partitionExists(topic: string, partition: number) {
    return topic !== 'missing' && partition < 4;
  }
  async writeMarker(topic: string, partition: number, producerId: bigint, epoch: number, commit: boolean) {
    this.markers.push(
      `${topic}-${partition} pid=${producerId} epoch=${epoch} ${commit ? 'COMMIT' : 'ABORT'}`,
    );
  }
  async endGroupOffsets(producerId: bigint, groups: string[], commit: boolean) {
    this.offsets.push(`pid=${producerId} ${groups.join(',')} ${commit ? 'commit' : 'abort'}`);
  }
}

describe('transaction coordinator', () => {
  let dir: string;
  let clock: ManualClock;
  let rec: Recorder;
  let tc: TransactionCoordinator;
  const open = () => TransactionCoordinator.open({ dataDir: dir, logger, participants: rec, clock });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'txn-'));
    clock = new ManualClock();
    rec = new Recorder();
    tc = await open();
  });
  afterEach(async () => {
    await tc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives idempotent producers fresh ids and keeps ids monotonic across a restart', async () => {
    const a = await tc.initProducerId(null, 0, NO_PID);
    const b = await tc.initProducerId(null, 0, NO_PID);
    expect(b.producerId).toBe(a.producerId + 1n);
    const t = await tc.initProducerId('tx', 60_000, NO_PID);
    await tc.close();
    tc = await open();
    const c = await tc.initProducerId(null, 0, NO_PID);
    expect(c.producerId).toBeGreaterThan(t.producerId);
    // The transactional id keeps its producer id, with a higher epoch.
    const again = await tc.initProducerId('tx', 60_000, NO_PID);
    expect(again).toEqual({ errorCode: 0, producerId: t.producerId, producerEpoch: t.producerEpoch + 1 });
  });

  it('writes markers to every partition of the transaction and applies its offsets', async () => {
    const { producerId: pid, producerEpoch: epoch } = await tc.initProducerId('tx', 60_000, NO_PID);
    const added = await tc.addPartitions('tx', pid, epoch, [
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    expect(added.map((r) => r.errorCode)).toEqual([0, 0]);
    expect(await tc.addOffsets('tx', pid, epoch, 'g')).toBe(0);
    expect(tc.produceCheck('tx', pid, epoch, 't', 0)).toBe(0);
    expect(tc.produceCheck('tx', pid, epoch, 't', 2)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await tc.endTxn('tx', pid, epoch, true)).toBe(0);
    expect(rec.markers.sort()).toEqual([`t-0 pid=${pid} epoch=0 COMMIT`, `t-1 pid=${pid} epoch=0 COMMIT`]);
    expect(rec.offsets).toEqual([`pid=${pid} g commit`]);
    // A retried EndTxn after success is answered the same; the opposite decision is refused.
    expect(await tc.endTxn('tx', pid, epoch, true)).toBe(0);
    expect(await tc.endTxn('tx', pid, epoch, false)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(tc.produceCheck('tx', pid, epoch, 't', 0)).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('refuses unknown partitions without adding any, and wrong producer ids or epochs', async () => {
    const { producerId: pid, producerEpoch: epoch } = await tc.initProducerId('tx', 60_000, NO_PID);
    const r = await tc.addPartitions('tx', pid, epoch, [
      { topic: 't', partition: 0 },
      { topic: 'missing', partition: 0 },
    ]);
    expect(r.map((x) => x.errorCode)).toEqual([
      ErrorCode.OPERATION_NOT_ATTEMPTED,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    expect(tc.get('tx')?.state).toBe('Empty');
    expect(await tc.addOffsets('tx', pid + 1n, epoch, 'g')).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await tc.addOffsets('tx', pid, epoch + 1, 'g')).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await tc.endTxn('nope', pid, epoch, true)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await tc.endTxn('tx', pid, epoch, true)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect((await tc.initProducerId('tx', 0, NO_PID)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  });

  it('fences the old instance: a new InitProducerId aborts its open transaction with a new epoch', async () => {
    const old = await tc.initProducerId('tx', 60_000, NO_PID);
    await tc.addPartitions('tx', old.producerId, old.producerEpoch, [{ topic: 't', partition: 3 }]);
    const fresh = await tc.initProducerId('tx', 60_000, NO_PID);
    expect(fresh.producerEpoch).toBe(old.producerEpoch + 1);
    expect(rec.markers).toEqual([`t-3 pid=${old.producerId} epoch=1 ABORT`]);
    expect(await tc.endTxn('tx', old.producerId, old.producerEpoch, true)).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    expect(tc.produceCheck('tx', old.producerId, old.producerEpoch, 't', 3)).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    // KIP-360: naming a stale id/epoch is refused.
    expect((await tc.initProducerId('tx', 60_000, old)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await tc.initProducerId('tx', 60_000, fresh)).producerEpoch).toBe(fresh.producerEpoch + 1);
  });

  it('aborts a transaction that outlives its timeout', async () => {
    const p = await tc.initProducerId('tx', 10_000, NO_PID);
    await tc.addPartitions('tx', p.producerId, p.producerEpoch, [{ topic: 't', partition: 0 }]);
    await tc.addOffsets('tx', p.producerId, p.producerEpoch, 'g');
    clock.advance(9_000);
    expect(rec.markers).toEqual([]);
    clock.advance(2_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(rec.markers).toEqual([`t-0 pid=${p.producerId} epoch=1 ABORT`]);
    expect(rec.offsets).toEqual([`pid=${p.producerId} g abort`]);
    expect(tc.get('tx')?.state).toBe('CompleteAbort');
    expect(await tc.endTxn('tx', p.producerId, p.producerEpoch, true)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('after a restart, aborts transactions whose timeout passed and keeps the others open', async () => {
    const a = await tc.initProducerId('a', 10_000, NO_PID);
    await tc.addPartitions('a', a.producerId, a.producerEpoch, [{ topic: 't', partition: 0 }]);
    const b = await tc.initProducerId('b', 600_000, NO_PID);
    await tc.addPartitions('b', b.producerId, b.producerEpoch, [{ topic: 't', partition: 1 }]);
    await tc.close();
    clock.advance(60_000);
    tc = await open();
    clock.advance(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(rec.markers).toEqual([`t-0 pid=${a.producerId} epoch=1 ABORT`]);
    expect(tc.get('b')?.state).toBe('Ongoing');
    expect(await tc.endTxn('b', b.producerId, b.producerEpoch, true)).toBe(0);
  });

  it('keeps a commit decision through marker failures and a restart, and completes it', async () => {
    const p = await tc.initProducerId('tx', 60_000, NO_PID);
    await tc.addPartitions('tx', p.producerId, p.producerEpoch, [{ topic: 't', partition: 2 }]);
    const failing = rec.writeMarker;
    rec.writeMarker = async () => {
      throw new Error('disk full');
    };
    expect(await tc.endTxn('tx', p.producerId, p.producerEpoch, true)).toBe(
      ErrorCode.COORDINATOR_NOT_AVAILABLE,
    );
    expect(tc.get('tx')?.state).toBe('PrepareCommit');
    expect(await tc.endTxn('tx', p.producerId, p.producerEpoch, true)).toBe(
      ErrorCode.CONCURRENT_TRANSACTIONS,
    );
    await tc.close();
    rec.writeMarker = failing;
    tc = await open();
    expect(rec.markers).toEqual([`t-2 pid=${p.producerId} epoch=0 COMMIT`]);
    expect(tc.get('tx')?.state).toBe('CompleteCommit');
    expect(await tc.endTxn('tx', p.producerId, p.producerEpoch, true)).toBe(0);
  });
});
