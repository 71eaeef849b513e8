import type { Redis } from 'ioredis';
import { RedisStoreError, RedisStoreFencedError } from '../errors.js';
import type { StoreKeys } from './namespace.js';
import { type Batch, KV_MAP, type RedisWriteBuffer } from './write-buffer.js';

/** Meta written with every persist. */
export interface PersistMeta {
  readonly checkpoint: number | undefined;
  readonly streamTime: number | undefined;
}

/** Arguments per command, so one command never grows without bound (and Lua's unpack fits). */
const CHUNK = 512;

/**
 * Applies a batch atomically: KEYS[1] = meta hash, ARGV[1] = owner token ('' = not fenced), then
 * commands encoded as `name, key, argc, args…`. The owner check makes an instance that lost the
 * store (another one loaded it since) fail instead of overwriting newer data. The meta HSET
 * (checkpoint) is the last command: if a command fails midway, the old checkpoint stays, and
 * replaying the changelog from it over the partly written data yields the right state.
 */
const PERSIST_SCRIPT = `
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return redis.error_reply('FENCED')
end
local i = 2
local n = 0
while i <= #ARGV do
  local argc = tonumber(ARGV[i + 2])
  redis.call(ARGV[i], ARGV[i + 1], unpack(ARGV, i + 3, i + 2 + argc))
  i = i + 3 + argc
  n = n + 1
end
return n
`;

/** Flat argument list of the commands one persist runs inside the script. */
class ScriptCommands {
  readonly argv: (Buffer | string)[] = [];
  count = 0;

  add(name: string, key: string, args: (Buffer | string)[]): void {
    this.argv.push(name, key, String(args.length));
    for (const a of args) this.argv.push(a);
    this.count++;
  }

  /** ZADD/HSET for puts and ZREM/HDEL for deletes of one sorted map, in chunks. */
  addMapChanges(
    indexKey: string,
    valuesKey: string,
    changes: Iterable<{ key: Buffer; value: Buffer | null }>,
  ): void {
    const zadd: (Buffer | string)[] = [];
    const hset: Buffer[] = [];
    const removed: Buffer[] = [];
    for (const { key, value } of changes) {
      if (value === null) removed.push(key);
      else {
        zadd.push('0', key);
        hset.push(key, value);
      }
    }
    for (let i = 0; i < zadd.length; i += 2 * CHUNK) {
      this.add('ZADD', indexKey, zadd.slice(i, i + 2 * CHUNK));
      this.add('HSET', valuesKey, hset.slice(i, i + 2 * CHUNK));
    }
    for (let i = 0; i < removed.length; i += CHUNK) {
      const chunk = removed.slice(i, i + CHUNK);
      this.add('ZREM', indexKey, chunk);
      this.add('HDEL', valuesKey, chunk);
    }
  }
}

/**
 * Writes one sealed batch and the checkpoint in one atomic script call (one round trip per commit
 * per store). `owner` is the token this instance wrote at load ('' = no fencing). Returns the
 * number of commands the script ran.
 */
export async function persistBatch(
  redis: Redis,
  keys: StoreKeys,
  storeName: string,
  batch: Batch,
  meta: PersistMeta,
  owner: string,
): Promise<number> {
  const fields: string[] = [];
  if (meta.checkpoint !== undefined) fields.push('checkpoint', String(meta.checkpoint));
  if (meta.streamTime !== undefined && Number.isFinite(meta.streamTime))
    fields.push('streamTime', String(meta.streamTime));
  if (batch.empty && fields.length === 0) return 0;
  const commands = new ScriptCommands();
  for (const id of batch.dropped) {
    // Retention: a whole expired segment goes with one DEL, however many entries it held.
    commands.add('DEL', keys.segmentIndex(id), []);
    commands.add('DEL', keys.segmentValues(id), []);
    commands.add('ZREM', keys.segments, [String(id)]);
  }
  for (const [id, changes] of batch.maps) {
    if (id === KV_MAP) commands.addMapChanges(keys.index, keys.values, changes.values());
    else {
      commands.add('ZADD', keys.segments, [String(id), String(id)]);
      commands.addMapChanges(keys.segmentIndex(id), keys.segmentValues(id), changes.values());
    }
  }
  if (fields.length > 0) commands.add('HSET', keys.meta, fields);
  try {
    // One array argument: a spread of hundreds of thousands of arguments would overflow the stack.
    await redis.call('EVAL', [PERSIST_SCRIPT, '1', keys.meta, owner, ...commands.argv]);
  } catch (cause) {
    if (cause instanceof Error && cause.message.includes('FENCED'))
      throw new RedisStoreFencedError(storeName, keys.ns);
    throw new RedisStoreError(storeName, keys.ns, `persist of ${commands.count} commands`, { cause });
  }
  return commands.count;
}

/** Reads the meta hash (checkpoint and stream time) of a store. */
export async function readMeta(redis: Redis, keys: StoreKeys): Promise<PersistMeta> {
  const [checkpoint, streamTime] = await redis.hmget(keys.meta, 'checkpoint', 'streamTime');
  return {
    checkpoint: checkpoint == null ? undefined : Number(checkpoint),
    streamTime: streamTime == null ? undefined : Number(streamTime),
  };
}

/** Makes this instance the owner of the store: persists of earlier owners fail from now on. */
export async function claimOwnership(redis: Redis, keys: StoreKeys, token: string): Promise<void> {
  await redis.hset(keys.meta, 'owner', token);
}

/**
 * Persists of one store instance, one after another: a failed older batch must not be re-applied
 * over a newer one, so each persist waits for the previous one whether it succeeded or failed (its
 * caller sees the error). A failed batch goes back into the buffer for the next attempt.
 */
export class PersistQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly storeName: string,
    private readonly buffer: RedisWriteBuffer,
  ) {}

  /** Resolves to the number of Redis commands the persist ran. */
  persist(keys: StoreKeys, meta: () => PersistMeta, owner: () => string): Promise<number> {
    const run = this.tail.then(async () => {
      const batch = this.buffer.take();
      try {
        return await persistBatch(this.redis, keys, this.storeName, batch, meta(), owner());
      } catch (error) {
        this.buffer.restore(batch);
        throw error;
      }
    });
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
