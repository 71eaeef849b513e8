import { readdirSync, readlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type {
  CreatePartitionsResponse,
  CreateTopicsResponse,
} from '../../src/protocol/messages.generated.js';
import { decodeResponse, requestFrame, sendRaw } from './raw-client.js';

/** CreateTopics v4 over a raw socket: per-topic error code and message, as the broker sent them. */
export async function createTopicsRaw(
  port: number,
  topics: { name: string; partitions: number }[],
  validateOnly = false,
): Promise<{ name: string; errorCode: number; errorMessage: string | null | undefined }[]> {
  const res = await sendRaw(
    port,
    requestFrame(19, 4, 1, {
      topics: topics.map((t) => ({
        name: t.name,
        numPartitions: t.partitions,
        replicationFactor: 1,
        assignments: [],
        configs: [],
      })),
      timeoutMs: 30_000,
      validateOnly,
    }),
    30_000,
  );
  if (!Buffer.isBuffer(res)) throw new Error(`CreateTopics got no answer: ${res}`);
  return decodeResponse<CreateTopicsResponse>(19, 4, res).topics.map((t) => ({
    name: t.name,
    errorCode: t.errorCode,
    errorMessage: t.errorMessage,
  }));
}

/** CreatePartitions v1 over a raw socket. */
export async function createPartitionsRaw(
  port: number,
  topics: { name: string; count: number }[],
): Promise<CreatePartitionsResponse['results']> {
  const res = await sendRaw(
    port,
    requestFrame(37, 1, 1, {
      topics: topics.map((t) => ({ name: t.name, count: t.count, assignments: null })),
      timeoutMs: 30_000,
      validateOnly: false,
    }),
    30_000,
  );
  if (!Buffer.isBuffer(res)) throw new Error(`CreatePartitions got no answer: ${res}`);
  return decodeResponse<CreatePartitionsResponse>(37, 1, res).results;
}

/** Open file descriptors of a process, and those pointing into `dir` (segment files, …). */
export function openFds(pid: number | 'self', dir?: string): { total: number; inDir: number } {
  let total = 0;
  let inDir = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed between readdir and readlink
    }
    total++;
    if (dir !== undefined && target.startsWith(dir)) inDir++;
  }
  return { total, inDir };
}

/** A TCP connection to the broker; `closed` resolves when the broker (or we) close it. */
export async function openSocket(
  port: number,
  localAddress?: string,
): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return { socket, closed };
}

/** Whether a connection is served: one ApiVersions request answered on it. */
export function answersApiVersions(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(ok);
    };
    const onData = () => done(true);
    const onClose = () => done(false);
    socket.on('data', onData);
    socket.once('close', onClose);
    if (socket.destroyed) done(false);
    else socket.write(requestFrame(18, 0, 1, {}));
  });
}

/** The broker tests' one poll-until-true (no fixed sleeps: tests run under load). */
/** Sends one request frame on an open connection; resolves with its response (after the size). */
export function exchange(socket: Socket, frame: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(buf.subarray(4, 4 + buf.readInt32BE(0)));
      }
    };
    const onClose = () => reject(new Error('connection closed before the response'));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(frame);
  });
}
