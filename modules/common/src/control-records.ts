import type { Consumer } from 'kafkajs';

/** Offsets [from, next) of one partition that hold nothing a consumer is handed. */
export interface ControlRecordRange {
  topic: string;
  partition: number;
  from: number;
  next: number;
}

/**
 * Calls `pass` for every fetch that held nothing but transaction markers (or aborted records).
 * kafkajs moves its position past such a fetch without calling eachBatch, and with autoCommit off it
 * does not commit past it: a group reading an exactly-once topic would stay behind its end forever
 * (a Java consumer commits its position, which is past them). Such a batch comes after every earlier
 * batch of its partition was handed over, so passing its offsets skips no record. A fetch with no
 * offset at all past the position (compacted away: firstOffset null) has nothing to step over.
 * What "passing" means is the reader's: a commit, a task's position, a lake segment's end.
 */
export function onControlRecordsOnly(consumer: Consumer, pass: (range: ControlRecordRange) => void): void {
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize !== 0 || payload.firstOffset === null) return;
    pass({
      topic: payload.topic,
      partition: payload.partition,
      from: Number(payload.firstOffset),
      next: Number(payload.lastOffset) + 1,
    });
  });
}
