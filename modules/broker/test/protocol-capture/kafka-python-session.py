"""A typical kafka-python session, for the frame capture.

Usage: /usr/bin/python3 kafka-python-session.py <bootstrap> <names-json>

names-json: see librdkafka-session.py. Admin (CreateTopics, DescribeConfigs, ListGroups,
DescribeGroups, OffsetFetch), a producer with acks=all, and a consumer group that reads
everything, commits and leaves. kafka-python 2.0.2 has no transactions. Exits non-zero on error.
"""
import json
import sys
import time

import kafka
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic

bootstrap, names_json = sys.argv[1:3]
n = json.loads(names_json)

admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id=n['clientId'])
admin.create_topics([NewTopic(n['topic'], 2, 1)])
admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, n['topic'])])

producer = KafkaProducer(bootstrap_servers=bootstrap, client_id=n['clientId'], acks='all')
for i in range(4):
    producer.send(n['topic'], key=f'k{i}'.encode(), value=f"{n['valuePrefix']}{i}".encode(), partition=i % 2)
producer.flush(20)
producer.close()

consumer = KafkaConsumer(
    n['topic'],
    bootstrap_servers=bootstrap,
    client_id=n['clientId'],
    group_id=n['group'],
    auto_offset_reset='earliest',
    enable_auto_commit=False,
    heartbeat_interval_ms=100,
    fetch_max_wait_ms=100,
)
got = 0
deadline = time.monotonic() + 30
while got < 4 and time.monotonic() < deadline:
    for records in consumer.poll(timeout_ms=200).values():
        got += len(records)
if got < 4:
    sys.exit(f'consumed {got} of 4 records')
time.sleep(0.5)  # let heartbeats go out
consumer.commit()
consumer.end_offsets([TopicPartition(n['topic'], 0)])
consumer.close()

admin.list_consumer_groups()
admin.describe_consumer_groups([n['group']])
admin.list_consumer_group_offsets(n['group'])
admin.close()
print(json.dumps({'consumed': got, 'version': kafka.__version__}))
