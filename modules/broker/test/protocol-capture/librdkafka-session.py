"""A typical librdkafka (confluent_kafka) session, for the frame capture.

Usage: /usr/bin/python3 librdkafka-session.py <bootstrap> <names-json>

names-json: the session names of test/protocol-capture/session-names.ts (clientId, topic, txnTopic,
group, transactionalId, valuePrefix). Admin (CreateTopics, Metadata, DescribeConfigs, AlterConfigs,
CreatePartitions, DeleteTopics, ListGroups, DescribeGroups), an idempotent producer, a consumer group that reads everything, commits and
leaves, a transactional producer that also commits a consumer offset, then watermark and
committed-offset look-ups. Exits non-zero on any error, so a capture never records a broken
session silently.
"""
import json
import sys
import time

import confluent_kafka
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

bootstrap, names_json = sys.argv[1:3]
n = json.loads(names_json)
base = {'bootstrap.servers': bootstrap, 'client.id': n['clientId']}


def check(futures):
    for f in futures.values():
        f.result(timeout=20)


admin = AdminClient(base)
check(admin.create_topics([NewTopic(n['topic'], 2, 1), NewTopic(n['txnTopic'], 1, 1)]))
admin.list_topics(topic=n['topic'], timeout=10)
check(admin.describe_configs([ConfigResource('topic', n['topic'])]))
check(admin.alter_configs([ConfigResource('topic', n['txnTopic'], set_config={'retention.ms': '86400000'})]))
check(admin.create_partitions([NewPartitions(n['txnTopic'], 2)]))
check(admin.create_topics([NewTopic(n['topic'] + '-gone', 1, 1)]))
check(admin.delete_topics([n['topic'] + '-gone']))

producer = Producer({**base, 'enable.idempotence': True, 'linger.ms': 5})
for i in range(4):
    producer.produce(n['topic'], key=f'k{i}', value=f"{n['valuePrefix']}{i}", partition=i % 2)
if producer.flush(20) != 0:
    sys.exit('produce did not finish')

consumer = Consumer(
    {
        **base,
        'group.id': n['group'],
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
        'session.timeout.ms': 6000,
        'heartbeat.interval.ms': 100,
        'fetch.wait.max.ms': 100,
    }
)
consumer.subscribe([n['topic']])
got = 0
deadline = time.monotonic() + 30
while got < 4 and time.monotonic() < deadline:
    m = consumer.poll(0.2)
    if m is None:
        continue
    if m.error():
        sys.exit(f'consume: {m.error()}')
    got += 1
if got < 4:
    sys.exit(f'consumed {got} of 4 records')
time.sleep(0.5)  # let heartbeats go out
consumer.commit(asynchronous=False)
consumer.committed([TopicPartition(n['topic'], 0), TopicPartition(n['topic'], 1)], timeout=10)
consumer.get_watermark_offsets(TopicPartition(n['topic'], 0), timeout=10)
consumer.offsets_for_times([TopicPartition(n['topic'], 0, 0)], timeout=10)

# the transaction commits an offset for the group while this consumer is still its member
txn = Producer({**base, 'transactional.id': n['transactionalId']})
txn.init_transactions(20)
txn.begin_transaction()
txn.produce(n['txnTopic'], value=f"{n['valuePrefix']}txn")
txn.send_offsets_to_transaction([TopicPartition(n['topic'], 0, 3)], consumer.consumer_group_metadata(), 20)
txn.commit_transaction(20)
consumer.close()

admin.list_groups(timeout=10)
print(json.dumps({'consumed': got, 'version': confluent_kafka.libversion()[0]}))
