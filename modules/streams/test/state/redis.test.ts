import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisKeyValueBytesStore,
  type RedisSegmentedBytesStore,
  RedisStoreFencedError,
  redisRange,
  redisStoreBackend,
  Serdes,
  type StoreBackend,
  Stores,
} from '../../src/state/index.js';
import { type BackendFixture, openStore, storeName, TestStoreContext } from './contract/harness.js';
import { keyValueStoreContract } from './contract/key-value-contract.js';
import { sessionStoreContract } from './contract/session-contract.js';
import { windowStoreContract } from './contract/window-contract.js';
import { windowedKeyContract } from './contract/windowed-key-contract.js';
import { type TestRedis, startRedisServer } from '@meterstream/test-support';

let server: TestRedis;
let redis: Redis;
let backend: StoreBackend;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  backend = redisStoreBackend({ redis });
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

// Every contract assertion after a `reopen` reads a fresh store instance loaded from Redis.
const redisFixture: BackendFixture = { name: 'redis', durable: true, backend: () => backend };

keyValueStoreContract(redisFixture);
keyValueStoreContract(redisFixture, { cacheBytes: 1 << 20 });
windowStoreContract(redisFixture);
windowStoreContract(redisFixture, { cacheBytes: 300 });
sessionStoreContract(redisFixture);

const str = Serdes.string();

/** Total commands the server has processed (INFO itself counts one). */
async function evalCalls(): Promise<number> {
  const info = await redis.info('commandstats');
  return Number(/cmdstat_eval:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

async function commandsProcessed(): Promise<number> {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)![1]);
}

async function openKv(name = storeName('rkv'), context = new TestStoreContext()) {
  const supplier = backend.keyValue(name);
  const inners: RedisKeyValueBytesStore[] = [];
  const capturing = {
    ...supplier,
    get: () => inners[inners.push(supplier.get() as RedisKeyValueBytesStore) - 1]!,
  };
  const builder = Stores.keyValueStoreBuilder(capturing, str, str);
  const store = await openStore(() => builder.build(), context);
  return { store, context, name, inner: inners[0]!, lifecycle: context.lifecycles.get(name)! };
}

describe('Redis stores', () => {
  it('namespaces keys per application / store / partition with a cluster hash tag', async () => {
    const { store, lifecycle, name } = await openKv();
    store.put('k', 'v');
    store.flush();
    await lifecycle.persist!(5);
    const keys = (await redis.keys(`ms:{contract-app:${name}:0}:*`)).sort();
    expect(keys).toEqual([
      `ms:{contract-app:${name}:0}:idx`,
      `ms:{contract-app:${name}:0}:meta`,
      `ms:{contract-app:${name}:0}:val`,
    ]);
    store.close();
  });

  it('two partitions of one store are separate namespaces', async () => {
    const name = storeName('rpart');
    const contexts = [0, 1].map((partition) => new TestStoreContext({ partition }));
    const stores = [];
    for (const context of contexts) {
      const store = await openStore(
        () => Stores.keyValueStoreBuilder(backend.keyValue(name), str, str).build(),
        context,
      );
      store.put('same-key', `from partition ${context.partition}`);
      store.flush();
      await context.lifecycles.get(name)!.persist!(context.partition + 10);
      stores.push(store);
    }
    expect(await redis.hget(`ms:{contract-app:${name}:0}:val`, 'same-key')).toBe('from partition 0');
    expect(await redis.hget(`ms:{contract-app:${name}:1}:val`, 'same-key')).toBe('from partition 1');
    expect(await redis.hget(`ms:{contract-app:${name}:1}:meta`, 'checkpoint')).toBe('11');
    for (const store of stores) store.close();
  });

  it('puts never touch Redis; persist sends the whole commit in one round trip with the checkpoint', async () => {
    const { store, lifecycle, name, inner } = await openKv();
    const before = await commandsProcessed();
    for (let i = 0; i < 5000; i++) store.put(`key-${i}`, `value-${i}`);
    for (let i = 0; i < 5000; i += 2) store.put(`key-${i}`, `v2-${i}`);
    expect(store.get('key-0')).toBe('v2-0');
    expect((await commandsProcessed()) - before).toBe(1); // only the INFO call itself
    const evalsBefore = await evalCalls();
    store.flush();
    await lifecycle.persist!(1234);
    // One EVAL (one round trip) running 5000 keys in chunks of 512: 10 ZADD + 10 HSET + 1 meta HSET.
    expect((await evalCalls()) - evalsBefore).toBe(1);
    expect(inner.lastPersistCommands).toBe(21);
    const ns = `ms:{contract-app:${name}:0}`;
    expect(await redis.zcard(`${ns}:idx`)).toBe(5000);
    expect(await redis.hget(`${ns}:val`, 'key-0')).toBe('v2-0');
    expect(await redis.hget(`${ns}:meta`, 'checkpoint')).toBe('1234');
    store.close();
  });

  it('fencing: once another instance loaded the store, the old owner cannot persist', async () => {
    const name = storeName('rfence');
    const oldOwner = await openKv(name, new TestStoreContext());
    oldOwner.store.put('k', 'old');
    oldOwner.store.flush();
    await oldOwner.lifecycle.persist!(1);
    // The task moves: a new instance loads the store (and claims it).
    const newOwner = await openKv(name, new TestStoreContext());
    expect(newOwner.store.get('k')).toBe('old');
    newOwner.store.put('k', 'new');
    newOwner.store.flush();
    await newOwner.lifecycle.persist!(2);
    // The old instance (a zombie) tries to persist a late commit: refused, nothing written.
    oldOwner.store.put('k', 'zombie');
    oldOwner.store.flush();
    await expect(oldOwner.lifecycle.persist!(3)).rejects.toThrow(RedisStoreFencedError);
    const ns = newOwner.inner.namespace;
    expect(await redis.hget(ns.values, 'k')).toBe('new');
    expect(await redis.hget(ns.meta, 'checkpoint')).toBe('2');
    oldOwner.store.close();
    newOwner.store.close();
  });

  it('a restarted store loads the data and the checkpoint, so restore starts at the checkpoint', async () => {
    const context = new TestStoreContext();
    const first = await openKv(undefined, context);
    for (let i = 0; i < 100; i++) first.store.put(`k${i}`, `v${i}`);
    first.store.flush();
    await first.lifecycle.persist!(100);
    first.store.close();

    const second = await openKv(first.name, context);
    expect(second.lifecycle.checkpointedOffset!()).toBe(100);
    expect(second.store.approximateNumEntries()).toBe(100);
    expect(second.store.get('k42')).toBe('v42');
    // The runtime then restores only the changelog tail (offsets ≥ 100) through `restore`.
    second.lifecycle.restore([{ key: Buffer.from('k42'), value: Buffer.from('tail') }]);
    expect(second.store.get('k42')).toBe('tail');
    second.store.close();
  });

  it('persist writes only what was flushed: later writes wait for the next commit (exactly-once safe)', async () => {
    const { store, lifecycle, name } = await openKv();
    store.put('committed', '1');
    store.flush();
    store.put('after-flush', '2');
    await lifecycle.persist!(10);
    const ns = `ms:{contract-app:${name}:0}`;
    expect(await redis.hget(`${ns}:val`, 'committed')).toBe('1');
    expect(await redis.hexists(`${ns}:val`, 'after-flush')).toBe(0);
    store.flush();
    await lifecycle.persist!(11);
    expect(await redis.hget(`${ns}:val`, 'after-flush')).toBe('2');
    store.close();
  });

  it('range reads straight from Redis are byte-ordered ZRANGE BYLEX scans matching the store', async () => {
    const { store, lifecycle, inner } = await openKv();
    const keys = ['a', 'b', 'bb', 'c', '\u00ff', 'é', 'z'];
    for (const k of keys) store.put(k, k.toUpperCase());
    store.flush();
    await lifecycle.persist!(undefined);
    const fromRedis: string[] = [];
    for await (const e of inner.readFromRedis(Buffer.from('b'), Buffer.from('é')))
      fromRedis.push(e.key.toString());
    expect(fromRedis).toEqual(
      store
        .range('b', 'é')
        .toArray()
        .map((e) => e.key),
    );
    const reversed: string[] = [];
    for await (const e of inner.readFromRedis(undefined, undefined, true)) reversed.push(e.key.toString());
    expect(reversed).toEqual(
      store
        .reverseAll()
        .toArray()
        .map((e) => e.key),
    );
    store.close();
  });

  it('redisRange pages resume after the last key, forward and reverse, with bounds', async () => {
    const { store, lifecycle, inner } = await openKv();
    for (let i = 0; i < 20; i++) store.put(`k${String(i).padStart(2, '0')}`, String(i));
    store.flush();
    await lifecycle.persist!(undefined);
    const ns = inner.namespace;
    const read = async (from: string | undefined, to: string | undefined, reverse: boolean) => {
      const out: string[] = [];
      const range = redisRange(
        redis,
        ns.index,
        ns.values,
        from ? Buffer.from(from) : undefined,
        to ? Buffer.from(to) : undefined,
        reverse,
        3,
      );
      for await (const e of range) out.push(e.value.toString());
      return out;
    };
    const numbers = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
    expect(await read('k03', 'k13', false)).toEqual(numbers(3, 13));
    expect(await read('k03', 'k13', true)).toEqual(numbers(3, 13).reverse());
    expect(await read(undefined, undefined, false)).toEqual(numbers(0, 19));
    expect(await read('k18', undefined, true)).toEqual(['19', '18']);
    expect(await read('k13', 'k03', false)).toEqual([]);
    expect(await read(undefined, 'k01', true)).toEqual(['1', '0']);
    store.close();
  });

  it('window retention deletes whole segments in Redis', async () => {
    const context = new TestStoreContext();
    const name = storeName('rwin');
    const supplier = backend.window(name, 1000, 100, false, 500);
    let inner!: RedisSegmentedBytesStore;
    const builder = Stores.windowStoreBuilder(
      { ...supplier, get: () => (inner = supplier.get() as RedisSegmentedBytesStore) },
      str,
      str,
    );
    const store = await openStore(() => builder.build(), context);
    const lifecycle = context.lifecycles.get(name)!;
    for (let t = 0; t < 1500; t += 100) store.put('k', `v${t}`, t);
    store.flush();
    await lifecycle.persist!(1);
    expect(await inner.segmentIdsInRedis()).toEqual([0, 1, 2]);
    const ns = inner.namespace;
    expect(await redis.zcard(ns.segmentIndex(0))).toBe(5);
    store.put('k', 'v2000', 2000); // stream time 2000: segments 0 and 1 expire
    store.flush();
    await lifecycle.persist!(2);
    expect(await inner.segmentIdsInRedis()).toEqual([2, 4]);
    expect(
      await redis.exists(ns.segmentIndex(0), ns.segmentValues(0), ns.segmentIndex(1), ns.segmentValues(1)),
    ).toBe(0);
    expect(await redis.hget(ns.meta, 'streamTime')).toBe('2000');
    // One key's windows of one segment, straight from Redis, as a composite range.
    const fromRedis: number[] = [];
    for await (const e of inner.readSegmentFromRedis(2)) fromRedis.push(e.key.readUInt32BE(e.key.length - 8));
    expect(fromRedis).toEqual([1000, 1100, 1200, 1300, 1400]);
    store.close();
  });

  it('a failed persist names the store and keeps its batch for the next attempt', async () => {
    const { store, lifecycle, inner } = await openKv();
    store.put('a', '0');
    store.flush();
    await lifecycle.persist!(5);
    store.put('a', '1');
    store.flush();
    // Sabotage: the values hash key holds a string, so HSET fails inside the persist script.
    await redis.set(inner.namespace.values, 'not a hash');
    await expect(lifecycle.persist!(7)).rejects.toThrow(new RegExp(`redis store "${inner.name}".*persist`));
    // The checkpoint is written last, so it still names what was fully written before.
    expect(await redis.hget(inner.namespace.meta, 'checkpoint')).toBe('5');
    await redis.del(inner.namespace.values);
    await lifecycle.persist!(8);
    expect(await redis.hget(inner.namespace.values, 'a')).toBe('1');
    expect(await redis.hget(inner.namespace.meta, 'checkpoint')).toBe('8');
    store.close();
  });

  it('segments that expired while no task owned the store are deleted from Redis after the next load', async () => {
    const context = new TestStoreContext();
    const name = storeName('rexp');
    const supplier = backend.window(name, 1000, 100, false, 500);
    let inner!: RedisSegmentedBytesStore;
    const builder = Stores.windowStoreBuilder(
      { ...supplier, get: () => (inner = supplier.get() as RedisSegmentedBytesStore) },
      str,
      str,
    );
    let store = await openStore(() => builder.build(), context);
    store.put('k', 'old', 100);
    store.flush();
    await context.lifecycles.get(name)!.persist!(1);
    // Another instance advanced stream time (as a restore of newer changelog records would).
    await redis.hset(inner.namespace.meta, 'streamTime', '5000');
    store.close();
    store = await openStore(() => builder.build(), context);
    expect(store.fetch('k', 0, 10_000).toArray()).toEqual([]);
    store.flush();
    await context.lifecycles.get(name)!.persist!(2);
    expect(await inner.segmentIdsInRedis()).toEqual([]);
    expect(await redis.exists(inner.namespace.segmentIndex(0))).toBe(0);
    store.close();
  });

  it('logs each load with entry count and checkpoint when given a logger', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const logged = redisStoreBackend({ redis, logger });
    const name = storeName('rlog');
    const context = new TestStoreContext();
    const builder = Stores.keyValueStoreBuilder(logged.keyValue(name), str, str);
    const first = await openStore(() => builder.build(), context);
    first.put('a', '1');
    first.put('b', '2');
    first.flush();
    await context.lifecycles.get(name)!.persist!(3);
    first.close();
    await openStore(() => builder.build(), context);
    const loads = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'loaded state store from redis');
    expect(loads.at(-1)).toMatchObject({ store: name, entries: 2, checkpoint: 3 });
  });

  it('agrees with a reference model over random writes, persists and reloads (key-value and window)', async () => {
    let seed = 4242;
    const rnd = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x1_0000_0000;
    };
    const context = new TestStoreContext({ cacheBytes: 2000 });
    const kvName = storeName('rmodel');
    const winName = storeName('rwmodel');
    const kvBuilder = Stores.keyValueStoreBuilder(backend.keyValue(kvName), str, str).withCachingEnabled();
    const winBuilder = Stores.windowStoreBuilder(
      backend.window(winName, 3000, 100, false, 1000),
      str,
      str,
    ).withCachingEnabled();
    let kv = await openStore(() => kvBuilder.build(), context);
    let win = await openStore(() => winBuilder.build(), context);
    const kvModel = new Map<string, string>();
    const winModel = new Map<string, { key: string; start: number; value: string }>();
    let streamTime = 0;
    let offset = 0;
    for (let op = 0; op < 1500; op++) {
      const k = `k${Math.floor(rnd() * 40)}`;
      if (rnd() < 0.7) {
        kv.put(k, `v${op}`);
        kvModel.set(k, `v${op}`);
      } else {
        kv.delete(k);
        kvModel.delete(k);
      }
      const start = Math.max(0, streamTime + Math.floor((rnd() - 0.3) * 400));
      win.put(k, `w${op}`, start);
      streamTime = Math.max(streamTime, start);
      if (start > streamTime - 3000) winModel.set(`${k}@${start}`, { key: k, start, value: `w${op}` });
      if (op % 250 === 249) {
        // Commit and restart: everything read afterwards came back from Redis.
        for (const store of [kv, win]) store.flush();
        offset++;
        await context.lifecycles.get(kvName)!.persist!(offset);
        await context.lifecycles.get(winName)!.persist!(offset);
        kv.close();
        win.close();
        kv = await openStore(() => kvBuilder.build(), context);
        win = await openStore(() => winBuilder.build(), context);
        expect(context.lifecycles.get(kvName)!.checkpointedOffset!()).toBe(offset);
        const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
        expect(kv.all().toArray()).toEqual(
          [...kvModel.entries()].sort(([a], [b]) => byBytes(a, b)).map(([key, value]) => ({ key, value })),
        );
        const live = [...winModel.values()].filter((w) => w.start > streamTime - 3000);
        const stored = win.fetchAll(0, Number.MAX_SAFE_INTEGER).toArray();
        expect(stored.map((e) => `${e.key.key}@${e.key.window.start}=${e.value}`).sort()).toEqual(
          live.map((w) => `${w.key}@${w.start}=${w.value}`).sort(),
        );
      }
    }
    kv.close();
    win.close();
  });
});
windowedKeyContract(redisFixture);
