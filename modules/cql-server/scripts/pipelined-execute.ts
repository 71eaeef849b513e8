/**
 * Server-side cost of prepared INSERTs: one raw connection keeps 512 EXECUTE frames in flight (no
 * driver in the loop). Not a test, not a benchmark of record; run on demand:
 *
 *   npx tsx modules/cql-server/scripts/pipelined-execute.ts [memory|disk] [count]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCqlServer } from '../src/index.js';

const mode = process.argv[2] === 'disk' ? 'disk' : 'memory';
const total = Number(process.argv[3] ?? 200_000);
const WINDOW = 512;

function frame(stream: number, opcode: number, body: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h[0] = 4;
  h.writeInt16BE(stream, 2);
  h[4] = opcode;
  h.writeInt32BE(body.length, 5);
  return Buffer.concat([h, body]);
}

function longString(s: string): Buffer {
  const b = Buffer.from(s);
  const len = Buffer.alloc(4);
  len.writeInt32BE(b.length);
  return Buffer.concat([len, b]);
}

function query(stream: number, cql: string): Buffer {
  return frame(stream, 0x07, Buffer.concat([longString(cql), Buffer.from([0, 1, 0])]));
}

function execute(stream: number, id: Buffer, i: number): Buffer {
  const vals = [Buffer.from(`gw${i % 50}`), Buffer.alloc(4), Buffer.alloc(8), Buffer.alloc(8)];
  vals[1].writeInt32BE(1);
  vals[2].writeBigInt64BE(BigInt(i) * 60_000n);
  vals[3].writeDoubleBE(i);
  const parts = [Buffer.from([0, id.length]), id, Buffer.from([0, 1, 0x01, 0, vals.length])];
  for (const v of vals) {
    const l = Buffer.alloc(4);
    l.writeInt32BE(v.length);
    parts.push(l, v);
  }
  return frame(stream, 0x0a, Buffer.concat(parts));
}

const dataDir = mode === 'disk' ? mkdtempSync(join(tmpdir(), 'cql-pipelined-')) : undefined;
const server = await startCqlServer({ port: 0, dataDir });
const sock = connect(server.port, '127.0.0.1');
await new Promise((resolve) => sock.once('connect', resolve));

let buf = Buffer.alloc(0);
const waiters: ((f: { opcode: number; body: Buffer }) => void)[] = [];
let onFrame: ((f: { opcode: number; body: Buffer }) => void) | undefined;
sock.on('data', (d: Buffer) => {
  buf = buf.length ? Buffer.concat([buf, d]) : d;
  while (buf.length >= 9 && buf.length >= 9 + buf.readInt32BE(5)) {
    const f = { opcode: buf[4], body: buf.subarray(9, 9 + buf.readInt32BE(5)) };
    buf = buf.subarray(9 + buf.readInt32BE(5));
    const w = waiters.shift();
    if (w) w(f);
    else onFrame?.(f);
  }
});
const request = (b: Buffer) =>
  new Promise<{ opcode: number; body: Buffer }>((resolve) => {
    waiters.push(resolve);
    sock.write(b);
  });

const startupBody = Buffer.from([0, 1, 0, 11, ...Buffer.from('CQL_VERSION'), 0, 5, ...Buffer.from('3.0.0')]);
await request(frame(0, 0x01, startupBody));
await request(
  query(1, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"),
);
await request(
  query(
    2,
    'CREATE TABLE ks.m (g text, b int, ws timestamp, v double, PRIMARY KEY ((g, b), ws)) WITH CLUSTERING ORDER BY (ws DESC)',
  ),
);
const prepared = await request(
  frame(3, 0x09, longString('INSERT INTO ks.m (g, b, ws, v) VALUES (?, ?, ?, ?)')),
);
const id = prepared.body.subarray(6, 6 + prepared.body.readUInt16BE(4));

let sent = 0;
let done = 0;
let errors = 0;
const t0 = process.hrtime.bigint();
await new Promise<void>((resolve) => {
  const pump = () => {
    while (sent < total && sent - done < WINDOW) sock.write(execute((sent++ % 30_000) + 10, id, sent));
  };
  onFrame = (f) => {
    if (f.opcode === 0x00) errors++;
    if (++done >= total) resolve();
    else pump();
  };
  pump();
});
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(
  `${mode}: ${total} pipelined prepared INSERTs in ${secs.toFixed(2)} s = ${Math.round(total / secs)}/s, errors ${errors}`,
);
sock.destroy();
await server.close();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
