import { describe, expect, it } from 'vitest';
import { RowBuffer } from '../../src/runtime/row-buffer.js';

function buffer(capacity: number) {
  const events: string[] = [];
  const b = new RowBuffer<number>(
    capacity,
    () => events.push('full'),
    () => events.push('space'),
    () => events.push('abandoned'),
  );
  return { b, events };
}

describe('RowBuffer', () => {
  it('asks to pause at capacity, to resume at half, and hands out every row in order', async () => {
    const { b, events } = buffer(4);
    for (let i = 0; i < 6; i++) b.push(i); // two more after the pause: the batch in flight
    expect(events).toEqual(['full']);
    expect(b.size).toBe(6);
    expect(b.isPaused).toBe(true);
    const it = b[Symbol.asyncIterator]();
    const got: number[] = [];
    for (let i = 0; i < 4; i++) got.push((await it.next()).value as number);
    expect(events).toEqual(['full', 'space']);
    expect(b.isPaused).toBe(false);
    b.push(6);
    b.end();
    for (let r = await it.next(); !r.done; r = await it.next()) got.push(r.value);
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(events).toEqual(['full', 'space']); // ended normally: not abandoned
  });

  it('wakes a waiting reader, throws the error it ended with, and tells when the reader leaves early', async () => {
    const { b, events } = buffer(10);
    const it = b[Symbol.asyncIterator]();
    const pending = it.next();
    b.push(1);
    expect(await pending).toEqual({ value: 1, done: false });
    b.end(new Error('query failed'));
    await expect(it.next()).rejects.toThrow('query failed');

    const second = buffer(10);
    second.b.push(1);
    second.b.push(2);
    for await (const _ of second.b) break;
    expect(second.events).toEqual(['abandoned']);
    expect(events).toEqual([]);
  });

  it('refuses a capacity that is not positive', () => {
    expect(() => buffer(0)).toThrow('capacity must be positive');
  });
});
