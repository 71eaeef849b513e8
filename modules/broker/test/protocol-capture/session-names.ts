/**
 * The names every capture session uses, fixed so the fixture test can check decoded fields
 * against what the session asked for without trusting the decoder: the client id, topics, group,
 * transactional id and record values of each client. The capture tool passes them to the
 * clients; the test looks for them in the captured bytes.
 */
export const CLIENTS = ['kafkajs', 'librdkafka', 'kafka-python'] as const;
export type ClientName = (typeof CLIENTS)[number];

export interface SessionNames {
  clientId: string;
  /** Created with 2 partitions, produced to, consumed by the group. */
  topic: string;
  /** Produced to inside a transaction (1 partition). */
  txnTopic: string;
  group: string;
  transactionalId: string;
  /** Prefix of every record value the session produces (values are `<prefix><n>`). */
  valuePrefix: string;
}

export function sessionNames(client: ClientName): SessionNames {
  const short = client.replace('-', '');
  return {
    clientId: `fx-${short}`,
    topic: `fx-${short}-data`,
    txnTopic: `fx-${short}-txn`,
    group: `fx-${short}-group`,
    transactionalId: `fx-${short}-tx`,
    valuePrefix: `fx-${short}-value-`,
  };
}
