/**
 * A typical kafkajs session, for the frame capture: admin (CreateTopics, Metadata, DescribeConfigs,
 * AlterConfigs, CreatePartitions, DeleteTopics, ListOffsets), a plain and an idempotent producer, a transactional producer that also commits a
 * consumer offset (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn),
 * and a consumer group that reads everything, commits and leaves (FindCoordinator, JoinGroup,
 * SyncGroup, Heartbeat, Fetch, OffsetCommit, OffsetFetch, LeaveGroup), then the group admin calls,
 * DeleteRecords, the ACL APIs and DeleteGroups.
 */
import { Kafka, logLevel } from 'kafkajs';
import { type SessionNames, sessionNames } from './session-names.js';

export async function runKafkajsSession(bootstrap: string): Promise<void> {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const n: SessionNames = sessionNames('kafkajs');
  const kafka = new Kafka({ brokers: [bootstrap], clientId: n.clientId, logLevel: logLevel.NOTHING });

  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: n.topic, numPartitions: 2 },
      { topic: n.txnTopic, numPartitions: 1 },
    ],
  });
  await admin.fetchTopicMetadata({ topics: [n.topic] });
  await admin.describeConfigs({
    resources: [{ type: 2, name: n.topic, configNames: ['retention.ms'] }],
    includeSynonyms: false,
  });
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: 2, name: n.txnTopic, configEntries: [{ name: 'retention.ms', value: '86400000' }] }],
  });
  await admin.createPartitions({ topicPartitions: [{ topic: n.txnTopic, count: 2 }] });
  await admin.createTopics({ topics: [{ topic: `${n.topic}-gone` }] });
  await admin.deleteTopics({ topics: [`${n.topic}-gone`] });

  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: n.topic,
    messages: [0, 1, 2, 3].map((i) => ({ key: `k${i}`, value: `${n.valuePrefix}${i}`, partition: i % 2 })),
  });
  await producer.disconnect();

  const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await idempotent.connect();
  await idempotent.send({ topic: n.topic, messages: [{ value: `${n.valuePrefix}4`, partition: 0 }] });
  await idempotent.disconnect();

  const consumer = kafka.consumer({
    groupId: n.group,
    sessionTimeout: 6000,
    heartbeatInterval: 100,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: n.topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommitThreshold: 1,
      eachMessage: async () => {
        seen++;
        // stay a little after the last record so that heartbeats go out
        if (seen === 5) setTimeout(resolve, 500);
      },
    });
  });
  await consumer.disconnect();

  const txn = kafka.producer({
    transactionalId: n.transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await txn.connect();
  const t = await txn.transaction();
  await t.send({ topic: n.txnTopic, messages: [{ value: `${n.valuePrefix}txn` }] });
  await t.sendOffsets({
    consumerGroupId: n.group,
    topics: [{ topic: n.topic, partitions: [{ partition: 0, offset: '3' }] }],
  });
  await t.commit();
  await txn.disconnect();

  await admin.fetchTopicOffsets(n.topic);
  await admin.fetchOffsets({ groupId: n.group, topics: [n.topic] });
  await admin.describeGroups([n.group]);
  await admin.listGroups();
  await admin.deleteTopicRecords({ topic: n.topic, partitions: [{ partition: 0, offset: '1' }] });
  // ACLs on the session's topic: kafkajs's enums are TypeScript enums, spelled as numbers here
  // (TOPIC 2, LITERAL 3, READ 3, ALLOW 3), as they go on the wire
  const acl = {
    resourceType: 2,
    resourceName: n.topic,
    resourcePatternType: 3,
    principal: `User:${n.clientId}`,
    host: '*',
    operation: 3,
    permissionType: 3,
  };
  await admin.createAcls({ acl: [acl] });
  await admin.describeAcls(acl);
  await admin.deleteAcls({ filters: [acl] });
  await admin.deleteGroups([n.group]);
  await admin.disconnect();
}
