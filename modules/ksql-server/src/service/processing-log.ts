/**
 * ksqlDB's processing log stream (ProcessingLogServerUtils): `KSQL_PROCESSING_LOG` over the topic
 * `<service id>ksql_processing_log`, JSON values, with the message schema ksqlDB's processing
 * logger writes (ProcessingLogMessageSchema): a type code and one struct per kind of error.
 */
export const PROCESSING_LOG_STREAM = 'KSQL_PROCESSING_LOG';

/** `ksql.logging.processing.topic.name`, default `<service id>ksql_processing_log`. */
export function processingLogTopic(serviceId: string, properties: Readonly<Record<string, string>>): string {
  return properties['ksql.logging.processing.topic.name'] ?? `${serviceId}ksql_processing_log`;
}

/** `ksql.logging.processing.stream.auto.create` (this server's default: true). */
export function processingLogAutoCreate(properties: Readonly<Record<string, string>>): boolean {
  return (properties['ksql.logging.processing.stream.auto.create'] ?? 'true').toLowerCase() === 'true';
}

const CAUSE = 'ARRAY<STRING>';

const MESSAGE = [
  '`TYPE` INTEGER',
  `\`DESERIALIZATIONERROR\` STRUCT<\`TARGET\` STRING, \`ERRORMESSAGE\` STRING, \`RECORDB64\` STRING, \`CAUSE\` ${CAUSE}, \`topic\` STRING>`,
  `\`RECORDPROCESSINGERROR\` STRUCT<\`ERRORMESSAGE\` STRING, \`RECORD\` STRING, \`CAUSE\` ${CAUSE}>`,
  '`PRODUCTIONERROR` STRUCT<`ERRORMESSAGE` STRING>',
  `\`SERIALIZATIONERROR\` STRUCT<\`TARGET\` STRING, \`ERRORMESSAGE\` STRING, \`RECORD\` STRING, \`CAUSE\` ${CAUSE}, \`topic\` STRING>`,
  `\`KAFKASTREAMSTHREADERROR\` STRUCT<\`ERRORMESSAGE\` STRING, \`THREADNAME\` STRING, \`CAUSE\` ${CAUSE}>`,
].join(', ');

/** The CREATE STREAM statement ksqlDB issues for the processing log at start-up. */
export function processingLogStatement(topic: string): string {
  return (
    `CREATE STREAM ${PROCESSING_LOG_STREAM} (\`LOGGER\` STRING, \`LEVEL\` STRING, \`TIME\` BIGINT, ` +
    `\`MESSAGE\` STRUCT<${MESSAGE}>) WITH(KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON', KEY_FORMAT='KAFKA');`
  );
}
