// Starts the embedded broker for scripts/conformance/kafkajs.sh, configured as kafkajs's reference
// cluster is: auto-created topics get 2 partitions, and the broker advertises itself as
// "localhost" (kafkajs's metadata specs assert that host name). The CLI has no flag for the
// advertised host, hence this launcher over `startBroker`; it binds 127.0.0.1 only.
// The reference cluster is a stock Kafka 2.4 (KAFKA_VERSION=2.4), so where this broker's defaults
// differ from stock Kafka on purpose, the launcher sets Kafka's: 7-day retention and 1 GiB
// segments (ours keep replayed history forever in 64 MiB segments), and no transaction partition
// verification (Kafka 3.6 introduced it; 2.4 accepts a TxnOffsetCommit it would refuse).
//
//   node scripts/conformance/kafkajs-broker.mjs PORT DATA_DIR [FSYNC_POLICY]
//
// Prints {"event":"listening","port":N} once ready (PORT 0 picks a free port); stops on SIGTERM.
import { startBroker } from '../../modules/broker/dist/index.js';

const [portText, dataDir, fsyncPolicy = 'fsync'] = process.argv.slice(2);
if (portText === undefined || dataDir === undefined) {
  process.stderr.write('usage: kafkajs-broker.mjs PORT DATA_DIR [fsync|write]\n');
  process.exit(2);
}
const running = await startBroker({
  host: '127.0.0.1',
  advertisedHost: 'localhost',
  port: Number(portText),
  dataDir,
  defaultPartitions: 2,
  fsyncPolicy,
  logRetentionMs: 604_800_000,
  segmentBytes: 1_073_741_824,
  transactionPartitionVerification: false,
});
process.stdout.write(`${JSON.stringify({ event: 'listening', port: running.port })}\n`);
let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  running.close().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`broker close failed: ${err.stack ?? err}\n`);
      process.exit(1);
    },
  );
});
