/**
 * Produce requests (v7, acks=1) written straight to each partition leader's socket with record
 * batches built by batch-writer.ts: no per-record work in a client library. Topic metadata (the
 * leaders) comes from kafkajs' admin client, so the same code drives the embedded broker and a
 * real Kafka cluster. Request/response encoding uses the broker module's schema-driven codec.
 */
import { type Socket, connect } from 'node:net';
import type { Admin, PartitionMetadata } from 'kafkajs';
import { decodeMessage, encodeMessage } from '../../modules/broker/src/protocol/codec.js';
import type { ProduceResponse } from '../../modules/broker/src/protocol/messages.generated.js';
import { API_SCHEMAS } from '../../modules/broker/src/protocol/messages.generated.js';
import { Reader, Writer } from '../../modules/broker/src/protocol/primitives.js';

const PRODUCE = 0;
const PRODUCE_VERSION = 7;
const CLIENT_ID = 'meterstream-bench-load';

class LeaderConnection {
  private readonly socket: Socket;
  private correlationId = 0;
  private pending = new Map<number, (r: ProduceResponse) => void>();
  private input: Buffer = Buffer.alloc(0);

  constructor(
    host: string,
    port: number,
    private readonly onError: (error: Error) => void,
  ) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', onError);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  send(topic: string, batches: ReadonlyMap<number, Buffer>): Promise<ProduceResponse> {
    const correlationId = ++this.correlationId;
    const w = new Writer(1024);
    const setLength = w.reserveInt32();
    w.int16(PRODUCE);
    w.int16(PRODUCE_VERSION);
    w.int32(correlationId);
    w.int16(CLIENT_ID.length);
    w.utf8(CLIENT_ID, CLIENT_ID.length);
    encodeMessage(
      API_SCHEMAS[PRODUCE]!.request,
      PRODUCE_VERSION,
      {
        transactionalId: null,
        acks: 1,
        timeoutMs: 30_000,
        topicData: [
          { name: topic, partitionData: [...batches].map(([index, records]) => ({ index, records })) },
        ],
      },
      w,
    );
    const chunks = w.finish();
    setLength(chunks.reduce((n, c) => n + c.length, 0) - 4);
    // One writev for the request's chunks (header, then each partition's batch by reference).
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
    return new Promise((res) => this.pending.set(correlationId, res));
  }

  private receive(chunk: Buffer): void {
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    while (this.input.length >= 4) {
      const size = this.input.readInt32BE(0);
      if (this.input.length < 4 + size) return;
      const frame = this.input.subarray(4, 4 + size);
      this.input = this.input.subarray(4 + size);
      const r = new Reader(frame);
      const correlationId = r.int32();
      const response = decodeMessage<ProduceResponse>(API_SCHEMAS[PRODUCE]!.response, PRODUCE_VERSION, r);
      const resolve = this.pending.get(correlationId);
      if (!resolve) {
        this.onError(new Error(`produce response with unknown correlation id ${correlationId}`));
        continue;
      }
      this.pending.delete(correlationId);
      resolve(response);
    }
  }

  close(): void {
    this.socket.end();
  }
}

export interface RawProducer {
  /** Partitions of the topic, in order. */
  readonly partitions: number;
  /** kafkajs' partition metadata of the topic (what its partitioners take). */
  readonly partitionMetadata: readonly PartitionMetadata[];
  /** Requests not answered yet, over all leaders. */
  inFlight(): number;
  /** Sends one request per leader holding any of `batches` (partition → batch). */
  send(batches: ReadonlyMap<number, Buffer>): Promise<void>;
  close(): void;
}

export async function openRawProducer(
  admin: Admin,
  topic: string,
  onError: (e: Error) => void,
): Promise<RawProducer> {
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  if (!metadata) throw new Error(`topic ${topic} has no metadata`);
  const cluster = await admin.describeCluster();
  const connections = new Map<number, LeaderConnection>();
  const leaderOf = new Map<number, LeaderConnection>();
  for (const p of metadata.partitions) {
    let connection = connections.get(p.leader);
    if (!connection) {
      const broker = cluster.brokers.find((b) => b.nodeId === p.leader);
      if (!broker) throw new Error(`leader ${p.leader} of ${topic}[${p.partitionId}] is not in the cluster`);
      connection = new LeaderConnection(broker.host, broker.port, onError);
      connections.set(p.leader, connection);
    }
    leaderOf.set(p.partitionId, connection);
  }
  return {
    partitions: metadata.partitions.length,
    partitionMetadata: metadata.partitions,
    inFlight: () => [...connections.values()].reduce((n, c) => n + c.inFlight, 0),
    async send(batches) {
      const perLeader = new Map<LeaderConnection, Map<number, Buffer>>();
      for (const [partition, batch] of batches) {
        const leader = leaderOf.get(partition)!;
        const group = perLeader.get(leader) ?? new Map<number, Buffer>();
        perLeader.set(leader, group);
        group.set(partition, batch);
      }
      const responses = await Promise.all([...perLeader].map(([leader, group]) => leader.send(topic, group)));
      for (const response of responses)
        for (const t of response.responses)
          for (const p of t.partitionResponses)
            if (p.errorCode !== 0)
              throw new Error(`produce to ${t.name}[${p.index}] failed with Kafka error code ${p.errorCode}`);
    },
    close() {
      for (const c of connections.values()) c.close();
    },
  };
}
