/**
 * Serializes async sections of one partition: its batches, age rolls and final flush never
 * interleave. Partitions are independent (own segment, own offsets), so they run concurrently and
 * one partition's upload overlaps another's decoding.
 */
export function createLock() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(section: () => Promise<T>): Promise<T> => {
    const run = tail.then(section, section);
    tail = run.catch(() => undefined);
    return run;
  };
}
