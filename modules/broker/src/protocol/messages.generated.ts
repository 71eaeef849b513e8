// GENERATED FILE — do not edit. Produced by modules/broker/scripts/generate-messages.ts from the
// Kafka protocol message definitions (Apache Kafka JSON schemas). Re-run the script to update.
// biome-ignore-all lint: generated code
import type { MessageSchema, RecordsData } from './schema-types.js';

export const API_SCHEMAS: Record<number, { request: MessageSchema; response: MessageSchema }> = {
  0: {
    request: {
      name: 'ProduceRequest',
      valid: [0, 11],
      flex: 9,
      fields: [
        { n: 'transactionalId', t: 'string', d: null, v: [3, 32767], nv: [3, 32767] },
        { n: 'acks', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'timeoutMs', t: 'int32', d: 0, v: [0, 32767] },
        {
          n: 'topicData',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitionData',
              t: '[]struct',
              f: [
                { n: 'index', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'records', t: 'records', d: undefined, v: [0, 32767], nv: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
    response: {
      name: 'ProduceResponse',
      valid: [0, 11],
      flex: 9,
      fields: [
        {
          n: 'responses',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitionResponses',
              t: '[]struct',
              f: [
                { n: 'index', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
                { n: 'baseOffset', t: 'int64', d: 0n, v: [0, 32767] },
                { n: 'logAppendTimeMs', t: 'int64', d: -1n, v: [2, 32767] },
                { n: 'logStartOffset', t: 'int64', d: -1n, v: [5, 32767] },
                {
                  n: 'recordErrors',
                  t: '[]struct',
                  f: [
                    { n: 'batchIndex', t: 'int32', d: 0, v: [8, 32767] },
                    { n: 'batchIndexErrorMessage', t: 'string', d: null, v: [8, 32767], nv: [8, 32767] },
                  ],
                  v: [8, 32767],
                },
                { n: 'errorMessage', t: 'string', d: null, v: [8, 32767], nv: [8, 32767] },
                {
                  n: 'currentLeader',
                  t: 'struct',
                  f: [
                    { n: 'leaderId', t: 'int32', d: -1, v: [10, 32767] },
                    { n: 'leaderEpoch', t: 'int32', d: -1, v: [10, 32767] },
                  ],
                  v: [10, 32767],
                  tag: 0,
                  tv: [10, 32767],
                },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [1, 32767] },
        {
          n: 'nodeEndpoints',
          t: '[]struct',
          f: [
            { n: 'nodeId', t: 'int32', d: 0, v: [10, 32767] },
            { n: 'host', t: 'string', d: '', v: [10, 32767] },
            { n: 'port', t: 'int32', d: 0, v: [10, 32767] },
            { n: 'rack', t: 'string', d: null, v: [10, 32767], nv: [10, 32767] },
          ],
          v: [10, 32767],
          tag: 0,
          tv: [10, 32767],
        },
      ],
    },
  },
  1: {
    request: {
      name: 'FetchRequest',
      valid: [0, 16],
      flex: 12,
      fields: [
        { n: 'clusterId', t: 'string', d: null, v: [12, 32767], nv: [12, 32767], tag: 0, tv: [12, 32767] },
        { n: 'replicaId', t: 'int32', d: -1, v: [0, 14] },
        {
          n: 'replicaState',
          t: 'struct',
          f: [
            { n: 'replicaId', t: 'int32', d: -1, v: [15, 32767] },
            { n: 'replicaEpoch', t: 'int64', d: -1n, v: [15, 32767] },
          ],
          v: [15, 32767],
          tag: 1,
          tv: [15, 32767],
        },
        { n: 'maxWaitMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'minBytes', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'maxBytes', t: 'int32', d: 2147483647, v: [3, 32767] },
        { n: 'isolationLevel', t: 'int8', d: 0, v: [4, 32767] },
        { n: 'sessionId', t: 'int32', d: 0, v: [7, 32767] },
        { n: 'sessionEpoch', t: 'int32', d: -1, v: [7, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'topic', t: 'string', d: '', v: [0, 12] },
            { n: 'topicId', t: 'uuid', d: undefined, v: [13, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partition', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'currentLeaderEpoch', t: 'int32', d: -1, v: [9, 32767] },
                { n: 'fetchOffset', t: 'int64', d: 0n, v: [0, 32767] },
                { n: 'lastFetchedEpoch', t: 'int32', d: -1, v: [12, 32767] },
                { n: 'logStartOffset', t: 'int64', d: -1n, v: [5, 32767] },
                { n: 'partitionMaxBytes', t: 'int32', d: 0, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
        {
          n: 'forgottenTopicsData',
          t: '[]struct',
          f: [
            { n: 'topic', t: 'string', d: '', v: [7, 12] },
            { n: 'topicId', t: 'uuid', d: undefined, v: [13, 32767] },
            { n: 'partitions', t: '[]int32', v: [7, 32767] },
          ],
          v: [7, 32767],
        },
        { n: 'rackId', t: 'string', d: '', v: [11, 32767] },
      ],
    },
    response: {
      name: 'FetchResponse',
      valid: [0, 16],
      flex: 12,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [1, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [7, 32767] },
        { n: 'sessionId', t: 'int32', d: 0, v: [7, 32767] },
        {
          n: 'responses',
          t: '[]struct',
          f: [
            { n: 'topic', t: 'string', d: '', v: [0, 12] },
            { n: 'topicId', t: 'uuid', d: undefined, v: [13, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
                { n: 'highWatermark', t: 'int64', d: 0n, v: [0, 32767] },
                { n: 'lastStableOffset', t: 'int64', d: -1n, v: [4, 32767] },
                { n: 'logStartOffset', t: 'int64', d: -1n, v: [5, 32767] },
                {
                  n: 'divergingEpoch',
                  t: 'struct',
                  f: [
                    { n: 'epoch', t: 'int32', d: -1, v: [12, 32767] },
                    { n: 'endOffset', t: 'int64', d: -1n, v: [12, 32767] },
                  ],
                  v: [12, 32767],
                  tag: 0,
                  tv: [12, 32767],
                },
                {
                  n: 'currentLeader',
                  t: 'struct',
                  f: [
                    { n: 'leaderId', t: 'int32', d: -1, v: [12, 32767] },
                    { n: 'leaderEpoch', t: 'int32', d: -1, v: [12, 32767] },
                  ],
                  v: [12, 32767],
                  tag: 1,
                  tv: [12, 32767],
                },
                {
                  n: 'snapshotId',
                  t: 'struct',
                  f: [
                    { n: 'endOffset', t: 'int64', d: -1n, v: [0, 32767] },
                    { n: 'epoch', t: 'int32', d: -1, v: [0, 32767] },
                  ],
                  v: [12, 32767],
                  tag: 2,
                  tv: [12, 32767],
                },
                {
                  n: 'abortedTransactions',
                  t: '[]struct',
                  f: [
                    { n: 'producerId', t: 'int64', d: 0n, v: [4, 32767] },
                    { n: 'firstOffset', t: 'int64', d: 0n, v: [4, 32767] },
                  ],
                  v: [4, 32767],
                  nv: [4, 32767],
                },
                { n: 'preferredReadReplica', t: 'int32', d: -1, v: [11, 32767] },
                { n: 'records', t: 'records', d: undefined, v: [0, 32767], nv: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
        {
          n: 'nodeEndpoints',
          t: '[]struct',
          f: [
            { n: 'nodeId', t: 'int32', d: 0, v: [16, 32767] },
            { n: 'host', t: 'string', d: '', v: [16, 32767] },
            { n: 'port', t: 'int32', d: 0, v: [16, 32767] },
            { n: 'rack', t: 'string', d: null, v: [16, 32767], nv: [16, 32767] },
          ],
          v: [16, 32767],
          tag: 0,
          tv: [16, 32767],
        },
      ],
    },
  },
  2: {
    request: {
      name: 'ListOffsetsRequest',
      valid: [0, 8],
      flex: 6,
      fields: [
        { n: 'replicaId', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'isolationLevel', t: 'int8', d: 0, v: [2, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'currentLeaderEpoch', t: 'int32', d: -1, v: [4, 32767] },
                { n: 'timestamp', t: 'int64', d: 0n, v: [0, 32767] },
                { n: 'maxNumOffsets', t: 'int32', d: 1, v: [0, 0] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
    response: {
      name: 'ListOffsetsResponse',
      valid: [0, 8],
      flex: 6,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [2, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
                { n: 'oldStyleOffsets', t: '[]int64', v: [0, 0] },
                { n: 'timestamp', t: 'int64', d: -1n, v: [1, 32767] },
                { n: 'offset', t: 'int64', d: -1n, v: [1, 32767] },
                { n: 'leaderEpoch', t: 'int32', d: -1, v: [4, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  3: {
    request: {
      name: 'MetadataRequest',
      valid: [0, 12],
      flex: 9,
      fields: [
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'topicId', t: 'uuid', d: undefined, v: [10, 32767] },
            { n: 'name', t: 'string', d: '', v: [0, 32767], nv: [10, 32767] },
          ],
          v: [0, 32767],
          nv: [1, 32767],
        },
        { n: 'allowAutoTopicCreation', t: 'bool', d: true, v: [4, 32767] },
        { n: 'includeClusterAuthorizedOperations', t: 'bool', d: false, v: [8, 10] },
        { n: 'includeTopicAuthorizedOperations', t: 'bool', d: false, v: [8, 32767] },
      ],
    },
    response: {
      name: 'MetadataResponse',
      valid: [0, 12],
      flex: 9,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [3, 32767] },
        {
          n: 'brokers',
          t: '[]struct',
          f: [
            { n: 'nodeId', t: 'int32', d: 0, v: [0, 32767] },
            { n: 'host', t: 'string', d: '', v: [0, 32767] },
            { n: 'port', t: 'int32', d: 0, v: [0, 32767] },
            { n: 'rack', t: 'string', d: null, v: [1, 32767], nv: [1, 32767] },
          ],
          v: [0, 32767],
        },
        { n: 'clusterId', t: 'string', d: null, v: [2, 32767], nv: [2, 32767] },
        { n: 'controllerId', t: 'int32', d: -1, v: [1, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'name', t: 'string', d: '', v: [0, 32767], nv: [12, 32767] },
            { n: 'topicId', t: 'uuid', d: undefined, v: [10, 32767] },
            { n: 'isInternal', t: 'bool', d: false, v: [1, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'leaderId', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'leaderEpoch', t: 'int32', d: -1, v: [7, 32767] },
                { n: 'replicaNodes', t: '[]int32', v: [0, 32767] },
                { n: 'isrNodes', t: '[]int32', v: [0, 32767] },
                { n: 'offlineReplicas', t: '[]int32', v: [5, 32767] },
              ],
              v: [0, 32767],
            },
            { n: 'topicAuthorizedOperations', t: 'int32', d: -2147483648, v: [8, 32767] },
          ],
          v: [0, 32767],
        },
        { n: 'clusterAuthorizedOperations', t: 'int32', d: -2147483648, v: [8, 10] },
      ],
    },
  },
  8: {
    request: {
      name: 'OffsetCommitRequest',
      valid: [0, 9],
      flex: 8,
      fields: [
        { n: 'groupId', t: 'string', d: '', v: [0, 32767] },
        { n: 'generationIdOrMemberEpoch', t: 'int32', d: -1, v: [1, 32767] },
        { n: 'memberId', t: 'string', d: '', v: [1, 32767] },
        { n: 'groupInstanceId', t: 'string', d: null, v: [7, 32767], nv: [7, 32767] },
        { n: 'retentionTimeMs', t: 'int64', d: -1n, v: [2, 4] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'committedOffset', t: 'int64', d: 0n, v: [0, 32767] },
                { n: 'committedLeaderEpoch', t: 'int32', d: -1, v: [6, 32767] },
                { n: 'commitTimestamp', t: 'int64', d: -1n, v: [1, 1] },
                { n: 'committedMetadata', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
    response: {
      name: 'OffsetCommitResponse',
      valid: [0, 9],
      flex: 8,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [3, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  9: {
    request: {
      name: 'OffsetFetchRequest',
      valid: [0, 9],
      flex: 6,
      fields: [
        { n: 'groupId', t: 'string', d: '', v: [0, 7] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 7] },
            { n: 'partitionIndexes', t: '[]int32', v: [0, 7] },
          ],
          v: [0, 7],
          nv: [2, 7],
        },
        {
          n: 'groups',
          t: '[]struct',
          f: [
            { n: 'groupId', t: 'string', d: '', v: [8, 32767] },
            { n: 'memberId', t: 'string', d: null, v: [9, 32767], nv: [9, 32767] },
            { n: 'memberEpoch', t: 'int32', d: -1, v: [9, 32767] },
            {
              n: 'topics',
              t: '[]struct',
              f: [
                { n: 'name', t: 'string', d: '', v: [8, 32767] },
                { n: 'partitionIndexes', t: '[]int32', v: [8, 32767] },
              ],
              v: [8, 32767],
              nv: [8, 32767],
            },
          ],
          v: [8, 32767],
        },
        { n: 'requireStable', t: 'bool', d: false, v: [7, 32767] },
      ],
    },
    response: {
      name: 'OffsetFetchResponse',
      valid: [0, 9],
      flex: 6,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [3, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 7] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 7] },
                { n: 'committedOffset', t: 'int64', d: 0n, v: [0, 7] },
                { n: 'committedLeaderEpoch', t: 'int32', d: -1, v: [5, 7] },
                { n: 'metadata', t: 'string', d: '', v: [0, 7], nv: [0, 7] },
                { n: 'errorCode', t: 'int16', d: 0, v: [0, 7] },
              ],
              v: [0, 7],
            },
          ],
          v: [0, 7],
        },
        { n: 'errorCode', t: 'int16', d: 0, v: [2, 7] },
        {
          n: 'groups',
          t: '[]struct',
          f: [
            { n: 'groupId', t: 'string', d: '', v: [8, 32767] },
            {
              n: 'topics',
              t: '[]struct',
              f: [
                { n: 'name', t: 'string', d: '', v: [8, 32767] },
                {
                  n: 'partitions',
                  t: '[]struct',
                  f: [
                    { n: 'partitionIndex', t: 'int32', d: 0, v: [8, 32767] },
                    { n: 'committedOffset', t: 'int64', d: 0n, v: [8, 32767] },
                    { n: 'committedLeaderEpoch', t: 'int32', d: -1, v: [8, 32767] },
                    { n: 'metadata', t: 'string', d: '', v: [8, 32767], nv: [8, 32767] },
                    { n: 'errorCode', t: 'int16', d: 0, v: [8, 32767] },
                  ],
                  v: [8, 32767],
                },
              ],
              v: [8, 32767],
            },
            { n: 'errorCode', t: 'int16', d: 0, v: [8, 32767] },
          ],
          v: [8, 32767],
        },
      ],
    },
  },
  10: {
    request: {
      name: 'FindCoordinatorRequest',
      valid: [0, 5],
      flex: 3,
      fields: [
        { n: 'key', t: 'string', d: '', v: [0, 3] },
        { n: 'keyType', t: 'int8', d: 0, v: [1, 32767] },
        { n: 'coordinatorKeys', t: '[]string', v: [4, 32767] },
      ],
    },
    response: {
      name: 'FindCoordinatorResponse',
      valid: [0, 5],
      flex: 3,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [1, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 3] },
        { n: 'errorMessage', t: 'string', d: '', v: [1, 3], nv: [1, 3] },
        { n: 'nodeId', t: 'int32', d: 0, v: [0, 3] },
        { n: 'host', t: 'string', d: '', v: [0, 3] },
        { n: 'port', t: 'int32', d: 0, v: [0, 3] },
        {
          n: 'coordinators',
          t: '[]struct',
          f: [
            { n: 'key', t: 'string', d: '', v: [4, 32767] },
            { n: 'nodeId', t: 'int32', d: 0, v: [4, 32767] },
            { n: 'host', t: 'string', d: '', v: [4, 32767] },
            { n: 'port', t: 'int32', d: 0, v: [4, 32767] },
            { n: 'errorCode', t: 'int16', d: 0, v: [4, 32767] },
            { n: 'errorMessage', t: 'string', d: '', v: [4, 32767], nv: [4, 32767] },
          ],
          v: [4, 32767],
        },
      ],
    },
  },
  11: {
    request: {
      name: 'JoinGroupRequest',
      valid: [0, 9],
      flex: 6,
      fields: [
        { n: 'groupId', t: 'string', d: '', v: [0, 32767] },
        { n: 'sessionTimeoutMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'rebalanceTimeoutMs', t: 'int32', d: -1, v: [1, 32767] },
        { n: 'memberId', t: 'string', d: '', v: [0, 32767] },
        { n: 'groupInstanceId', t: 'string', d: null, v: [5, 32767], nv: [5, 32767] },
        { n: 'protocolType', t: 'string', d: '', v: [0, 32767] },
        {
          n: 'protocols',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            { n: 'metadata', t: 'bytes', d: undefined, v: [0, 32767] },
          ],
          v: [0, 32767],
        },
        { n: 'reason', t: 'string', d: null, v: [8, 32767], nv: [8, 32767] },
      ],
    },
    response: {
      name: 'JoinGroupResponse',
      valid: [0, 9],
      flex: 6,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [2, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'generationId', t: 'int32', d: -1, v: [0, 32767] },
        { n: 'protocolType', t: 'string', d: null, v: [7, 32767], nv: [7, 32767] },
        { n: 'protocolName', t: 'string', d: '', v: [0, 32767], nv: [7, 32767] },
        { n: 'leader', t: 'string', d: '', v: [0, 32767] },
        { n: 'skipAssignment', t: 'bool', d: false, v: [9, 32767] },
        { n: 'memberId', t: 'string', d: '', v: [0, 32767] },
        {
          n: 'members',
          t: '[]struct',
          f: [
            { n: 'memberId', t: 'string', d: '', v: [0, 32767] },
            { n: 'groupInstanceId', t: 'string', d: null, v: [5, 32767], nv: [5, 32767] },
            { n: 'metadata', t: 'bytes', d: undefined, v: [0, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  12: {
    request: {
      name: 'HeartbeatRequest',
      valid: [0, 4],
      flex: 4,
      fields: [
        { n: 'groupId', t: 'string', d: '', v: [0, 32767] },
        { n: 'generationId', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'memberId', t: 'string', d: '', v: [0, 32767] },
        { n: 'groupInstanceId', t: 'string', d: null, v: [3, 32767], nv: [3, 32767] },
      ],
    },
    response: {
      name: 'HeartbeatResponse',
      valid: [0, 4],
      flex: 4,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [1, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
      ],
    },
  },
  13: {
    request: {
      name: 'LeaveGroupRequest',
      valid: [0, 5],
      flex: 4,
      fields: [
        { n: 'groupId', t: 'string', d: '', v: [0, 32767] },
        { n: 'memberId', t: 'string', d: '', v: [0, 2] },
        {
          n: 'members',
          t: '[]struct',
          f: [
            { n: 'memberId', t: 'string', d: '', v: [3, 32767] },
            { n: 'groupInstanceId', t: 'string', d: null, v: [3, 32767], nv: [3, 32767] },
            { n: 'reason', t: 'string', d: null, v: [5, 32767], nv: [5, 32767] },
          ],
          v: [3, 32767],
        },
      ],
    },
    response: {
      name: 'LeaveGroupResponse',
      valid: [0, 5],
      flex: 4,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [1, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        {
          n: 'members',
          t: '[]struct',
          f: [
            { n: 'memberId', t: 'string', d: '', v: [3, 32767] },
            { n: 'groupInstanceId', t: 'string', d: '', v: [3, 32767], nv: [3, 32767] },
            { n: 'errorCode', t: 'int16', d: 0, v: [3, 32767] },
          ],
          v: [3, 32767],
        },
      ],
    },
  },
  14: {
    request: {
      name: 'SyncGroupRequest',
      valid: [0, 5],
      flex: 4,
      fields: [
        { n: 'groupId', t: 'string', d: '', v: [0, 32767] },
        { n: 'generationId', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'memberId', t: 'string', d: '', v: [0, 32767] },
        { n: 'groupInstanceId', t: 'string', d: null, v: [3, 32767], nv: [3, 32767] },
        { n: 'protocolType', t: 'string', d: null, v: [5, 32767], nv: [5, 32767] },
        { n: 'protocolName', t: 'string', d: null, v: [5, 32767], nv: [5, 32767] },
        {
          n: 'assignments',
          t: '[]struct',
          f: [
            { n: 'memberId', t: 'string', d: '', v: [0, 32767] },
            { n: 'assignment', t: 'bytes', d: undefined, v: [0, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
    response: {
      name: 'SyncGroupResponse',
      valid: [0, 5],
      flex: 4,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [1, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'protocolType', t: 'string', d: null, v: [5, 32767], nv: [5, 32767] },
        { n: 'protocolName', t: 'string', d: null, v: [5, 32767], nv: [5, 32767] },
        { n: 'assignment', t: 'bytes', d: undefined, v: [0, 32767] },
      ],
    },
  },
  15: {
    request: {
      name: 'DescribeGroupsRequest',
      valid: [0, 5],
      flex: 5,
      fields: [
        { n: 'groups', t: '[]string', v: [0, 32767] },
        { n: 'includeAuthorizedOperations', t: 'bool', d: false, v: [3, 32767] },
      ],
    },
    response: {
      name: 'DescribeGroupsResponse',
      valid: [0, 5],
      flex: 5,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [1, 32767] },
        {
          n: 'groups',
          t: '[]struct',
          f: [
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'groupId', t: 'string', d: '', v: [0, 32767] },
            { n: 'groupState', t: 'string', d: '', v: [0, 32767] },
            { n: 'protocolType', t: 'string', d: '', v: [0, 32767] },
            { n: 'protocolData', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'members',
              t: '[]struct',
              f: [
                { n: 'memberId', t: 'string', d: '', v: [0, 32767] },
                { n: 'groupInstanceId', t: 'string', d: null, v: [4, 32767], nv: [4, 32767] },
                { n: 'clientId', t: 'string', d: '', v: [0, 32767] },
                { n: 'clientHost', t: 'string', d: '', v: [0, 32767] },
                { n: 'memberMetadata', t: 'bytes', d: undefined, v: [0, 32767] },
                { n: 'memberAssignment', t: 'bytes', d: undefined, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
            { n: 'authorizedOperations', t: 'int32', d: -2147483648, v: [3, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  16: {
    request: {
      name: 'ListGroupsRequest',
      valid: [0, 5],
      flex: 3,
      fields: [
        { n: 'statesFilter', t: '[]string', v: [4, 32767] },
        { n: 'typesFilter', t: '[]string', v: [5, 32767] },
      ],
    },
    response: {
      name: 'ListGroupsResponse',
      valid: [0, 5],
      flex: 3,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [1, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        {
          n: 'groups',
          t: '[]struct',
          f: [
            { n: 'groupId', t: 'string', d: '', v: [0, 32767] },
            { n: 'protocolType', t: 'string', d: '', v: [0, 32767] },
            { n: 'groupState', t: 'string', d: '', v: [4, 32767] },
            { n: 'groupType', t: 'string', d: '', v: [5, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  17: {
    request: {
      name: 'SaslHandshakeRequest',
      valid: [0, 1],
      flex: 32767,
      fields: [{ n: 'mechanism', t: 'string', d: '', v: [0, 32767] }],
    },
    response: {
      name: 'SaslHandshakeResponse',
      valid: [0, 1],
      flex: 32767,
      fields: [
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'mechanisms', t: '[]string', v: [0, 32767] },
      ],
    },
  },
  18: {
    request: {
      name: 'ApiVersionsRequest',
      valid: [0, 3],
      flex: 3,
      fields: [
        { n: 'clientSoftwareName', t: 'string', d: '', v: [3, 32767] },
        { n: 'clientSoftwareVersion', t: 'string', d: '', v: [3, 32767] },
      ],
    },
    response: {
      name: 'ApiVersionsResponse',
      valid: [0, 3],
      flex: 3,
      fields: [
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        {
          n: 'apiKeys',
          t: '[]struct',
          f: [
            { n: 'apiKey', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'minVersion', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'maxVersion', t: 'int16', d: 0, v: [0, 32767] },
          ],
          v: [0, 32767],
        },
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [1, 32767] },
        {
          n: 'supportedFeatures',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [3, 32767] },
            { n: 'minVersion', t: 'int16', d: 0, v: [3, 32767] },
            { n: 'maxVersion', t: 'int16', d: 0, v: [3, 32767] },
          ],
          v: [3, 32767],
          tag: 0,
          tv: [3, 32767],
        },
        { n: 'finalizedFeaturesEpoch', t: 'int64', d: -1n, v: [3, 32767], tag: 1, tv: [3, 32767] },
        {
          n: 'finalizedFeatures',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [3, 32767] },
            { n: 'maxVersionLevel', t: 'int16', d: 0, v: [3, 32767] },
            { n: 'minVersionLevel', t: 'int16', d: 0, v: [3, 32767] },
          ],
          v: [3, 32767],
          tag: 2,
          tv: [3, 32767],
        },
        { n: 'zkMigrationReady', t: 'bool', d: false, v: [3, 32767], tag: 3, tv: [3, 32767] },
      ],
    },
  },
  19: {
    request: {
      name: 'CreateTopicsRequest',
      valid: [0, 7],
      flex: 5,
      fields: [
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            { n: 'numPartitions', t: 'int32', d: 0, v: [0, 32767] },
            { n: 'replicationFactor', t: 'int16', d: 0, v: [0, 32767] },
            {
              n: 'assignments',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'brokerIds', t: '[]int32', v: [0, 32767] },
              ],
              v: [0, 32767],
            },
            {
              n: 'configs',
              t: '[]struct',
              f: [
                { n: 'name', t: 'string', d: '', v: [0, 32767] },
                { n: 'value', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
        { n: 'timeoutMs', t: 'int32', d: 60000, v: [0, 32767] },
        { n: 'validateOnly', t: 'bool', d: false, v: [1, 32767] },
      ],
    },
    response: {
      name: 'CreateTopicsResponse',
      valid: [0, 7],
      flex: 5,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [2, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            { n: 'topicId', t: 'uuid', d: undefined, v: [7, 32767] },
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'errorMessage', t: 'string', d: '', v: [1, 32767], nv: [0, 32767] },
            { n: 'topicConfigErrorCode', t: 'int16', d: 0, v: [5, 32767], tag: 0, tv: [5, 32767] },
            { n: 'numPartitions', t: 'int32', d: -1, v: [5, 32767] },
            { n: 'replicationFactor', t: 'int16', d: -1, v: [5, 32767] },
            {
              n: 'configs',
              t: '[]struct',
              f: [
                { n: 'name', t: 'string', d: '', v: [5, 32767] },
                { n: 'value', t: 'string', d: '', v: [5, 32767], nv: [5, 32767] },
                { n: 'readOnly', t: 'bool', d: false, v: [5, 32767] },
                { n: 'configSource', t: 'int8', d: -1, v: [5, 32767] },
                { n: 'isSensitive', t: 'bool', d: false, v: [5, 32767] },
              ],
              v: [5, 32767],
              nv: [5, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  20: {
    request: {
      name: 'DeleteTopicsRequest',
      valid: [0, 6],
      flex: 4,
      fields: [
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: null, v: [6, 32767], nv: [6, 32767] },
            { n: 'topicId', t: 'uuid', d: undefined, v: [6, 32767] },
          ],
          v: [6, 32767],
        },
        { n: 'topicNames', t: '[]string', v: [0, 5] },
        { n: 'timeoutMs', t: 'int32', d: 0, v: [0, 32767] },
      ],
    },
    response: {
      name: 'DeleteTopicsResponse',
      valid: [0, 6],
      flex: 4,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [1, 32767] },
        {
          n: 'responses',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767], nv: [6, 32767] },
            { n: 'topicId', t: 'uuid', d: undefined, v: [6, 32767] },
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'errorMessage', t: 'string', d: null, v: [5, 32767], nv: [5, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  21: {
    request: {
      name: 'DeleteRecordsRequest',
      valid: [0, 2],
      flex: 2,
      fields: [
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'offset', t: 'int64', d: 0n, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
        { n: 'timeoutMs', t: 'int32', d: 0, v: [0, 32767] },
      ],
    },
    response: {
      name: 'DeleteRecordsResponse',
      valid: [0, 2],
      flex: 2,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'lowWatermark', t: 'int64', d: 0n, v: [0, 32767] },
                { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  22: {
    request: {
      name: 'InitProducerIdRequest',
      valid: [0, 5],
      flex: 2,
      fields: [
        { n: 'transactionalId', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
        { n: 'transactionTimeoutMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'producerId', t: 'int64', d: -1n, v: [3, 32767] },
        { n: 'producerEpoch', t: 'int16', d: -1, v: [3, 32767] },
      ],
    },
    response: {
      name: 'InitProducerIdResponse',
      valid: [0, 5],
      flex: 2,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'producerId', t: 'int64', d: -1n, v: [0, 32767] },
        { n: 'producerEpoch', t: 'int16', d: 0, v: [0, 32767] },
      ],
    },
  },
  23: {
    request: {
      name: 'OffsetForLeaderEpochRequest',
      valid: [0, 4],
      flex: 4,
      fields: [
        { n: 'replicaId', t: 'int32', d: -2, v: [3, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'topic', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partition', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'currentLeaderEpoch', t: 'int32', d: -1, v: [2, 32767] },
                { n: 'leaderEpoch', t: 'int32', d: 0, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
    response: {
      name: 'OffsetForLeaderEpochResponse',
      valid: [0, 4],
      flex: 4,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [2, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'topic', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
                { n: 'partition', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'leaderEpoch', t: 'int32', d: -1, v: [1, 32767] },
                { n: 'endOffset', t: 'int64', d: -1n, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  24: {
    request: {
      name: 'AddPartitionsToTxnRequest',
      valid: [0, 5],
      flex: 3,
      fields: [
        {
          n: 'transactions',
          t: '[]struct',
          f: [
            { n: 'transactionalId', t: 'string', d: '', v: [4, 32767] },
            { n: 'producerId', t: 'int64', d: 0n, v: [4, 32767] },
            { n: 'producerEpoch', t: 'int16', d: 0, v: [4, 32767] },
            { n: 'verifyOnly', t: 'bool', d: false, v: [4, 32767] },
            {
              n: 'topics',
              t: '[]struct',
              f: [
                { n: 'name', t: 'string', d: '', v: [0, 32767] },
                { n: 'partitions', t: '[]int32', v: [0, 32767] },
              ],
              v: [4, 32767],
            },
          ],
          v: [4, 32767],
        },
        { n: 'v3AndBelowTransactionalId', t: 'string', d: '', v: [0, 3] },
        { n: 'v3AndBelowProducerId', t: 'int64', d: 0n, v: [0, 3] },
        { n: 'v3AndBelowProducerEpoch', t: 'int16', d: 0, v: [0, 3] },
        {
          n: 'v3AndBelowTopics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            { n: 'partitions', t: '[]int32', v: [0, 32767] },
          ],
          v: [0, 3],
        },
      ],
    },
    response: {
      name: 'AddPartitionsToTxnResponse',
      valid: [0, 5],
      flex: 3,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [4, 32767] },
        {
          n: 'resultsByTransaction',
          t: '[]struct',
          f: [
            { n: 'transactionalId', t: 'string', d: '', v: [4, 32767] },
            {
              n: 'topicResults',
              t: '[]struct',
              f: [
                { n: 'name', t: 'string', d: '', v: [0, 32767] },
                {
                  n: 'resultsByPartition',
                  t: '[]struct',
                  f: [
                    { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                    { n: 'partitionErrorCode', t: 'int16', d: 0, v: [0, 32767] },
                  ],
                  v: [0, 32767],
                },
              ],
              v: [4, 32767],
            },
          ],
          v: [4, 32767],
        },
        {
          n: 'resultsByTopicV3AndBelow',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'resultsByPartition',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'partitionErrorCode', t: 'int16', d: 0, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 3],
        },
      ],
    },
  },
  25: {
    request: {
      name: 'AddOffsetsToTxnRequest',
      valid: [0, 4],
      flex: 3,
      fields: [
        { n: 'transactionalId', t: 'string', d: '', v: [0, 32767] },
        { n: 'producerId', t: 'int64', d: 0n, v: [0, 32767] },
        { n: 'producerEpoch', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'groupId', t: 'string', d: '', v: [0, 32767] },
      ],
    },
    response: {
      name: 'AddOffsetsToTxnResponse',
      valid: [0, 4],
      flex: 3,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
      ],
    },
  },
  26: {
    request: {
      name: 'EndTxnRequest',
      valid: [0, 4],
      flex: 3,
      fields: [
        { n: 'transactionalId', t: 'string', d: '', v: [0, 32767] },
        { n: 'producerId', t: 'int64', d: 0n, v: [0, 32767] },
        { n: 'producerEpoch', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'committed', t: 'bool', d: false, v: [0, 32767] },
      ],
    },
    response: {
      name: 'EndTxnResponse',
      valid: [0, 4],
      flex: 3,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
      ],
    },
  },
  28: {
    request: {
      name: 'TxnOffsetCommitRequest',
      valid: [0, 4],
      flex: 3,
      fields: [
        { n: 'transactionalId', t: 'string', d: '', v: [0, 32767] },
        { n: 'groupId', t: 'string', d: '', v: [0, 32767] },
        { n: 'producerId', t: 'int64', d: 0n, v: [0, 32767] },
        { n: 'producerEpoch', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'generationId', t: 'int32', d: -1, v: [3, 32767] },
        { n: 'memberId', t: 'string', d: '', v: [3, 32767] },
        { n: 'groupInstanceId', t: 'string', d: null, v: [3, 32767], nv: [3, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'committedOffset', t: 'int64', d: 0n, v: [0, 32767] },
                { n: 'committedLeaderEpoch', t: 'int32', d: -1, v: [2, 32767] },
                { n: 'committedMetadata', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
    response: {
      name: 'TxnOffsetCommitResponse',
      valid: [0, 4],
      flex: 3,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  29: {
    request: {
      name: 'DescribeAclsRequest',
      valid: [0, 3],
      flex: 2,
      fields: [
        { n: 'resourceTypeFilter', t: 'int8', d: 0, v: [0, 32767] },
        { n: 'resourceNameFilter', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
        { n: 'patternTypeFilter', t: 'int8', d: 3, v: [1, 32767] },
        { n: 'principalFilter', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
        { n: 'hostFilter', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
        { n: 'operation', t: 'int8', d: 0, v: [0, 32767] },
        { n: 'permissionType', t: 'int8', d: 0, v: [0, 32767] },
      ],
    },
    response: {
      name: 'DescribeAclsResponse',
      valid: [0, 3],
      flex: 2,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
        {
          n: 'resources',
          t: '[]struct',
          f: [
            { n: 'resourceType', t: 'int8', d: 0, v: [0, 32767] },
            { n: 'resourceName', t: 'string', d: '', v: [0, 32767] },
            { n: 'patternType', t: 'int8', d: 3, v: [1, 32767] },
            {
              n: 'acls',
              t: '[]struct',
              f: [
                { n: 'principal', t: 'string', d: '', v: [0, 32767] },
                { n: 'host', t: 'string', d: '', v: [0, 32767] },
                { n: 'operation', t: 'int8', d: 0, v: [0, 32767] },
                { n: 'permissionType', t: 'int8', d: 0, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  30: {
    request: {
      name: 'CreateAclsRequest',
      valid: [0, 3],
      flex: 2,
      fields: [
        {
          n: 'creations',
          t: '[]struct',
          f: [
            { n: 'resourceType', t: 'int8', d: 0, v: [0, 32767] },
            { n: 'resourceName', t: 'string', d: '', v: [0, 32767] },
            { n: 'resourcePatternType', t: 'int8', d: 3, v: [1, 32767] },
            { n: 'principal', t: 'string', d: '', v: [0, 32767] },
            { n: 'host', t: 'string', d: '', v: [0, 32767] },
            { n: 'operation', t: 'int8', d: 0, v: [0, 32767] },
            { n: 'permissionType', t: 'int8', d: 0, v: [0, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
    response: {
      name: 'CreateAclsResponse',
      valid: [0, 3],
      flex: 2,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        {
          n: 'results',
          t: '[]struct',
          f: [
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  31: {
    request: {
      name: 'DeleteAclsRequest',
      valid: [0, 3],
      flex: 2,
      fields: [
        {
          n: 'filters',
          t: '[]struct',
          f: [
            { n: 'resourceTypeFilter', t: 'int8', d: 0, v: [0, 32767] },
            { n: 'resourceNameFilter', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
            { n: 'patternTypeFilter', t: 'int8', d: 3, v: [1, 32767] },
            { n: 'principalFilter', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
            { n: 'hostFilter', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
            { n: 'operation', t: 'int8', d: 0, v: [0, 32767] },
            { n: 'permissionType', t: 'int8', d: 0, v: [0, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
    response: {
      name: 'DeleteAclsResponse',
      valid: [0, 3],
      flex: 2,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        {
          n: 'filterResults',
          t: '[]struct',
          f: [
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
            {
              n: 'matchingAcls',
              t: '[]struct',
              f: [
                { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
                { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
                { n: 'resourceType', t: 'int8', d: 0, v: [0, 32767] },
                { n: 'resourceName', t: 'string', d: '', v: [0, 32767] },
                { n: 'patternType', t: 'int8', d: 3, v: [1, 32767] },
                { n: 'principal', t: 'string', d: '', v: [0, 32767] },
                { n: 'host', t: 'string', d: '', v: [0, 32767] },
                { n: 'operation', t: 'int8', d: 0, v: [0, 32767] },
                { n: 'permissionType', t: 'int8', d: 0, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  32: {
    request: {
      name: 'DescribeConfigsRequest',
      valid: [0, 4],
      flex: 4,
      fields: [
        {
          n: 'resources',
          t: '[]struct',
          f: [
            { n: 'resourceType', t: 'int8', d: 0, v: [0, 32767] },
            { n: 'resourceName', t: 'string', d: '', v: [0, 32767] },
            { n: 'configurationKeys', t: '[]string', v: [0, 32767], nv: [0, 32767] },
          ],
          v: [0, 32767],
        },
        { n: 'includeSynonyms', t: 'bool', d: false, v: [1, 32767] },
        { n: 'includeDocumentation', t: 'bool', d: false, v: [3, 32767] },
      ],
    },
    response: {
      name: 'DescribeConfigsResponse',
      valid: [0, 4],
      flex: 4,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        {
          n: 'results',
          t: '[]struct',
          f: [
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
            { n: 'resourceType', t: 'int8', d: 0, v: [0, 32767] },
            { n: 'resourceName', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'configs',
              t: '[]struct',
              f: [
                { n: 'name', t: 'string', d: '', v: [0, 32767] },
                { n: 'value', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
                { n: 'readOnly', t: 'bool', d: false, v: [0, 32767] },
                { n: 'isDefault', t: 'bool', d: false, v: [0, 0] },
                { n: 'configSource', t: 'int8', d: -1, v: [1, 32767] },
                { n: 'isSensitive', t: 'bool', d: false, v: [0, 32767] },
                {
                  n: 'synonyms',
                  t: '[]struct',
                  f: [
                    { n: 'name', t: 'string', d: '', v: [1, 32767] },
                    { n: 'value', t: 'string', d: '', v: [1, 32767], nv: [0, 32767] },
                    { n: 'source', t: 'int8', d: 0, v: [1, 32767] },
                  ],
                  v: [1, 32767],
                },
                { n: 'configType', t: 'int8', d: 0, v: [3, 32767] },
                { n: 'documentation', t: 'string', d: '', v: [3, 32767], nv: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  33: {
    request: {
      name: 'AlterConfigsRequest',
      valid: [0, 2],
      flex: 2,
      fields: [
        {
          n: 'resources',
          t: '[]struct',
          f: [
            { n: 'resourceType', t: 'int8', d: 0, v: [0, 32767] },
            { n: 'resourceName', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'configs',
              t: '[]struct',
              f: [
                { n: 'name', t: 'string', d: '', v: [0, 32767] },
                { n: 'value', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
        { n: 'validateOnly', t: 'bool', d: false, v: [0, 32767] },
      ],
    },
    response: {
      name: 'AlterConfigsResponse',
      valid: [0, 2],
      flex: 2,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        {
          n: 'responses',
          t: '[]struct',
          f: [
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
            { n: 'resourceType', t: 'int8', d: 0, v: [0, 32767] },
            { n: 'resourceName', t: 'string', d: '', v: [0, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  36: {
    request: {
      name: 'SaslAuthenticateRequest',
      valid: [0, 2],
      flex: 2,
      fields: [{ n: 'authBytes', t: 'bytes', d: undefined, v: [0, 32767] }],
    },
    response: {
      name: 'SaslAuthenticateResponse',
      valid: [0, 2],
      flex: 2,
      fields: [
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
        { n: 'authBytes', t: 'bytes', d: undefined, v: [0, 32767] },
        { n: 'sessionLifetimeMs', t: 'int64', d: 0n, v: [1, 32767] },
      ],
    },
  },
  37: {
    request: {
      name: 'CreatePartitionsRequest',
      valid: [0, 3],
      flex: 2,
      fields: [
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            { n: 'count', t: 'int32', d: 0, v: [0, 32767] },
            {
              n: 'assignments',
              t: '[]struct',
              f: [{ n: 'brokerIds', t: '[]int32', v: [0, 32767] }],
              v: [0, 32767],
              nv: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
        { n: 'timeoutMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'validateOnly', t: 'bool', d: false, v: [0, 32767] },
      ],
    },
    response: {
      name: 'CreatePartitionsResponse',
      valid: [0, 3],
      flex: 2,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        {
          n: 'results',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'errorMessage', t: 'string', d: null, v: [0, 32767], nv: [0, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  42: {
    request: {
      name: 'DeleteGroupsRequest',
      valid: [0, 2],
      flex: 2,
      fields: [{ n: 'groupsNames', t: '[]string', v: [0, 32767] }],
    },
    response: {
      name: 'DeleteGroupsResponse',
      valid: [0, 2],
      flex: 2,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        {
          n: 'results',
          t: '[]struct',
          f: [
            { n: 'groupId', t: 'string', d: '', v: [0, 32767] },
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  45: {
    request: {
      name: 'AlterPartitionReassignmentsRequest',
      valid: [0, 0],
      flex: 0,
      fields: [
        { n: 'timeoutMs', t: 'int32', d: 60000, v: [0, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'replicas', t: '[]int32', v: [0, 32767], nv: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
    response: {
      name: 'AlterPartitionReassignmentsResponse',
      valid: [0, 0],
      flex: 0,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
        {
          n: 'responses',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
                { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  46: {
    request: {
      name: 'ListPartitionReassignmentsRequest',
      valid: [0, 0],
      flex: 0,
      fields: [
        { n: 'timeoutMs', t: 'int32', d: 60000, v: [0, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            { n: 'partitionIndexes', t: '[]int32', v: [0, 32767] },
          ],
          v: [0, 32767],
          nv: [0, 32767],
        },
      ],
    },
    response: {
      name: 'ListPartitionReassignmentsResponse',
      valid: [0, 0],
      flex: 0,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
        {
          n: 'topics',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            {
              n: 'partitions',
              t: '[]struct',
              f: [
                { n: 'partitionIndex', t: 'int32', d: 0, v: [0, 32767] },
                { n: 'replicas', t: '[]int32', v: [0, 32767] },
                { n: 'addingReplicas', t: '[]int32', v: [0, 32767] },
                { n: 'removingReplicas', t: '[]int32', v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  50: {
    request: {
      name: 'DescribeUserScramCredentialsRequest',
      valid: [0, 0],
      flex: 0,
      fields: [
        {
          n: 'users',
          t: '[]struct',
          f: [{ n: 'name', t: 'string', d: '', v: [0, 32767] }],
          v: [0, 32767],
          nv: [0, 32767],
        },
      ],
    },
    response: {
      name: 'DescribeUserScramCredentialsResponse',
      valid: [0, 0],
      flex: 0,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
        { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
        {
          n: 'results',
          t: '[]struct',
          f: [
            { n: 'user', t: 'string', d: '', v: [0, 32767] },
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
            {
              n: 'credentialInfos',
              t: '[]struct',
              f: [
                { n: 'mechanism', t: 'int8', d: 0, v: [0, 32767] },
                { n: 'iterations', t: 'int32', d: 0, v: [0, 32767] },
              ],
              v: [0, 32767],
            },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
  51: {
    request: {
      name: 'AlterUserScramCredentialsRequest',
      valid: [0, 0],
      flex: 0,
      fields: [
        {
          n: 'deletions',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            { n: 'mechanism', t: 'int8', d: 0, v: [0, 32767] },
          ],
          v: [0, 32767],
        },
        {
          n: 'upsertions',
          t: '[]struct',
          f: [
            { n: 'name', t: 'string', d: '', v: [0, 32767] },
            { n: 'mechanism', t: 'int8', d: 0, v: [0, 32767] },
            { n: 'iterations', t: 'int32', d: 0, v: [0, 32767] },
            { n: 'salt', t: 'bytes', d: undefined, v: [0, 32767] },
            { n: 'saltedPassword', t: 'bytes', d: undefined, v: [0, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
    response: {
      name: 'AlterUserScramCredentialsResponse',
      valid: [0, 0],
      flex: 0,
      fields: [
        { n: 'throttleTimeMs', t: 'int32', d: 0, v: [0, 32767] },
        {
          n: 'results',
          t: '[]struct',
          f: [
            { n: 'user', t: 'string', d: '', v: [0, 32767] },
            { n: 'errorCode', t: 'int16', d: 0, v: [0, 32767] },
            { n: 'errorMessage', t: 'string', d: '', v: [0, 32767], nv: [0, 32767] },
          ],
          v: [0, 32767],
        },
      ],
    },
  },
};

export const ConsumerProtocolAssignmentSchema: MessageSchema = {
  name: 'ConsumerProtocolAssignment',
  valid: [0, 3],
  flex: 32767,
  fields: [
    {
      n: 'assignedPartitions',
      t: '[]struct',
      f: [
        { n: 'topic', t: 'string', d: '', v: [0, 32767] },
        { n: 'partitions', t: '[]int32', v: [0, 32767] },
      ],
      v: [0, 32767],
    },
    { n: 'userData', t: 'bytes', d: undefined, v: [0, 32767], nv: [0, 32767] },
  ],
};

export const ConsumerProtocolSubscriptionSchema: MessageSchema = {
  name: 'ConsumerProtocolSubscription',
  valid: [0, 3],
  flex: 32767,
  fields: [
    { n: 'topics', t: '[]string', v: [0, 32767] },
    { n: 'userData', t: 'bytes', d: undefined, v: [0, 32767], nv: [0, 32767] },
    {
      n: 'ownedPartitions',
      t: '[]struct',
      f: [
        { n: 'topic', t: 'string', d: '', v: [1, 32767] },
        { n: 'partitions', t: '[]int32', v: [1, 32767] },
      ],
      v: [1, 32767],
    },
    { n: 'generationId', t: 'int32', d: -1, v: [2, 32767] },
    { n: 'rackId', t: 'string', d: null, v: [3, 32767], nv: [3, 32767] },
  ],
};

export interface AddOffsetsToTxnRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  groupId: string;
}

export interface AddOffsetsToTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export interface AddPartitionsToTxnRequestAddPartitionsToTxnTopic {
  name: string;
  partitions: number[];
}

export interface AddPartitionsToTxnRequestAddPartitionsToTxnTransaction {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  verifyOnly: boolean;
  topics: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnRequest {
  transactions: AddPartitionsToTxnRequestAddPartitionsToTxnTransaction[];
  v3AndBelowTransactionalId: string;
  v3AndBelowProducerId: bigint;
  v3AndBelowProducerEpoch: number;
  v3AndBelowTopics: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnResponseAddPartitionsToTxnPartitionResult {
  partitionIndex: number;
  partitionErrorCode: number;
}

export interface AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult {
  name: string;
  resultsByPartition: AddPartitionsToTxnResponseAddPartitionsToTxnPartitionResult[];
}

export interface AddPartitionsToTxnResponseAddPartitionsToTxnResult {
  transactionalId?: string;
  topicResults?: AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[];
}

export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number;
  errorCode?: number;
  resultsByTransaction?: AddPartitionsToTxnResponseAddPartitionsToTxnResult[];
  resultsByTopicV3AndBelow?: AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[];
}

export interface AlterConfigsRequestAlterableConfig {
  name: string;
  value: string | null;
}

export interface AlterConfigsRequestAlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: AlterConfigsRequestAlterableConfig[];
}

export interface AlterConfigsRequest {
  resources: AlterConfigsRequestAlterConfigsResource[];
  validateOnly: boolean;
}

export interface AlterConfigsResponseAlterConfigsResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

export interface AlterConfigsResponse {
  throttleTimeMs: number;
  responses: AlterConfigsResponseAlterConfigsResourceResponse[];
}

export interface AlterPartitionReassignmentsRequestReassignablePartition {
  partitionIndex: number;
  replicas: number[] | null;
}

export interface AlterPartitionReassignmentsRequestReassignableTopic {
  name: string;
  partitions: AlterPartitionReassignmentsRequestReassignablePartition[];
}

export interface AlterPartitionReassignmentsRequest {
  timeoutMs: number;
  topics: AlterPartitionReassignmentsRequestReassignableTopic[];
}

export interface AlterPartitionReassignmentsResponseReassignablePartitionResponse {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface AlterPartitionReassignmentsResponseReassignableTopicResponse {
  name: string;
  partitions: AlterPartitionReassignmentsResponseReassignablePartitionResponse[];
}

export interface AlterPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  responses: AlterPartitionReassignmentsResponseReassignableTopicResponse[];
}

export interface AlterUserScramCredentialsRequestScramCredentialDeletion {
  name: string;
  mechanism: number;
}

export interface AlterUserScramCredentialsRequestScramCredentialUpsertion {
  name: string;
  mechanism: number;
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

export interface AlterUserScramCredentialsRequest {
  deletions: AlterUserScramCredentialsRequestScramCredentialDeletion[];
  upsertions: AlterUserScramCredentialsRequestScramCredentialUpsertion[];
}

export interface AlterUserScramCredentialsResponseAlterUserScramCredentialsResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface AlterUserScramCredentialsResponse {
  throttleTimeMs: number;
  results: AlterUserScramCredentialsResponseAlterUserScramCredentialsResult[];
}

export interface ApiVersionsRequest {
  clientSoftwareName: string;
  clientSoftwareVersion: string;
}

export interface ApiVersionsResponseApiVersion {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponseSupportedFeatureKey {
  name?: string;
  minVersion?: number;
  maxVersion?: number;
}

export interface ApiVersionsResponseFinalizedFeatureKey {
  name?: string;
  maxVersionLevel?: number;
  minVersionLevel?: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionsResponseApiVersion[];
  throttleTimeMs?: number;
  supportedFeatures?: ApiVersionsResponseSupportedFeatureKey[];
  finalizedFeaturesEpoch?: bigint;
  finalizedFeatures?: ApiVersionsResponseFinalizedFeatureKey[];
  zkMigrationReady?: boolean;
}

export interface ConsumerProtocolAssignmentTopicPartition {
  topic: string;
  partitions: number[];
}

export interface ConsumerProtocolAssignment {
  assignedPartitions: ConsumerProtocolAssignmentTopicPartition[];
  userData: Buffer | null;
}

export interface ConsumerProtocolSubscriptionTopicPartition {
  topic: string;
  partitions: number[];
}

export interface ConsumerProtocolSubscription {
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: ConsumerProtocolSubscriptionTopicPartition[];
  generationId: number;
  rackId: string | null;
}

export interface CreateAclsRequestAclCreation {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface CreateAclsRequest {
  creations: CreateAclsRequestAclCreation[];
}

export interface CreateAclsResponseAclCreationResult {
  errorCode: number;
  errorMessage: string | null;
}

export interface CreateAclsResponse {
  throttleTimeMs: number;
  results: CreateAclsResponseAclCreationResult[];
}

export interface CreatePartitionsRequestCreatePartitionsAssignment {
  brokerIds: number[];
}

export interface CreatePartitionsRequestCreatePartitionsTopic {
  name: string;
  count: number;
  assignments: CreatePartitionsRequestCreatePartitionsAssignment[] | null;
}

export interface CreatePartitionsRequest {
  topics: CreatePartitionsRequestCreatePartitionsTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreatePartitionsResponseCreatePartitionsTopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  results: CreatePartitionsResponseCreatePartitionsTopicResult[];
}

export interface CreateTopicsRequestCreatableReplicaAssignment {
  partitionIndex: number;
  brokerIds: number[];
}

export interface CreateTopicsRequestCreateableTopicConfig {
  name: string;
  value: string | null;
}

export interface CreateTopicsRequestCreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: CreateTopicsRequestCreatableReplicaAssignment[];
  configs: CreateTopicsRequestCreateableTopicConfig[];
}

export interface CreateTopicsRequest {
  topics: CreateTopicsRequestCreatableTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreateTopicsResponseCreatableTopicConfigs {
  name?: string;
  value?: string | null;
  readOnly?: boolean;
  configSource?: number;
  isSensitive?: boolean;
}

export interface CreateTopicsResponseCreatableTopicResult {
  name: string;
  topicId?: Buffer;
  errorCode: number;
  errorMessage?: string | null;
  topicConfigErrorCode?: number;
  numPartitions?: number;
  replicationFactor?: number;
  configs?: CreateTopicsResponseCreatableTopicConfigs[] | null;
}

export interface CreateTopicsResponse {
  throttleTimeMs?: number;
  topics: CreateTopicsResponseCreatableTopicResult[];
}

export interface DeleteAclsRequestDeleteAclsFilter {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

export interface DeleteAclsRequest {
  filters: DeleteAclsRequestDeleteAclsFilter[];
}

export interface DeleteAclsResponseDeleteAclsMatchingAcl {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  patternType?: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface DeleteAclsResponseDeleteAclsFilterResult {
  errorCode: number;
  errorMessage: string | null;
  matchingAcls: DeleteAclsResponseDeleteAclsMatchingAcl[];
}

export interface DeleteAclsResponse {
  throttleTimeMs: number;
  filterResults: DeleteAclsResponseDeleteAclsFilterResult[];
}

export interface DeleteGroupsRequest {
  groupsNames: string[];
}

export interface DeleteGroupsResponseDeletableGroupResult {
  groupId: string;
  errorCode: number;
}

export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: DeleteGroupsResponseDeletableGroupResult[];
}

export interface DeleteRecordsRequestDeleteRecordsPartition {
  partitionIndex: number;
  offset: bigint;
}

export interface DeleteRecordsRequestDeleteRecordsTopic {
  name: string;
  partitions: DeleteRecordsRequestDeleteRecordsPartition[];
}

export interface DeleteRecordsRequest {
  topics: DeleteRecordsRequestDeleteRecordsTopic[];
  timeoutMs: number;
}

export interface DeleteRecordsResponseDeleteRecordsPartitionResult {
  partitionIndex: number;
  lowWatermark: bigint;
  errorCode: number;
}

export interface DeleteRecordsResponseDeleteRecordsTopicResult {
  name: string;
  partitions: DeleteRecordsResponseDeleteRecordsPartitionResult[];
}

export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  topics: DeleteRecordsResponseDeleteRecordsTopicResult[];
}

export interface DeleteTopicsRequestDeleteTopicState {
  name: string | null;
  topicId: Buffer;
}

export interface DeleteTopicsRequest {
  topics: DeleteTopicsRequestDeleteTopicState[];
  topicNames: string[];
  timeoutMs: number;
}

export interface DeleteTopicsResponseDeletableTopicResult {
  name: string | null;
  topicId?: Buffer;
  errorCode: number;
  errorMessage?: string | null;
}

export interface DeleteTopicsResponse {
  throttleTimeMs?: number;
  responses: DeleteTopicsResponseDeletableTopicResult[];
}

export interface DescribeAclsRequest {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

export interface DescribeAclsResponseAclDescription {
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface DescribeAclsResponseDescribeAclsResource {
  resourceType: number;
  resourceName: string;
  patternType?: number;
  acls: DescribeAclsResponseAclDescription[];
}

export interface DescribeAclsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  resources: DescribeAclsResponseDescribeAclsResource[];
}

export interface DescribeConfigsRequestDescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  configurationKeys: string[] | null;
}

export interface DescribeConfigsRequest {
  resources: DescribeConfigsRequestDescribeConfigsResource[];
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

export interface DescribeConfigsResponseDescribeConfigsSynonym {
  name?: string;
  value?: string | null;
  source?: number;
}

export interface DescribeConfigsResponseDescribeConfigsResourceResult {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault?: boolean;
  configSource?: number;
  isSensitive: boolean;
  synonyms?: DescribeConfigsResponseDescribeConfigsSynonym[];
  configType?: number;
  documentation?: string | null;
}

export interface DescribeConfigsResponseDescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribeConfigsResponseDescribeConfigsResourceResult[];
}

export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResponseDescribeConfigsResult[];
}

export interface DescribeGroupsRequest {
  groups: string[];
  includeAuthorizedOperations: boolean;
}

export interface DescribeGroupsResponseDescribedGroupMember {
  memberId: string;
  groupInstanceId?: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribeGroupsResponseDescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribeGroupsResponseDescribedGroupMember[];
  authorizedOperations?: number;
}

export interface DescribeGroupsResponse {
  throttleTimeMs?: number;
  groups: DescribeGroupsResponseDescribedGroup[];
}

export interface DescribeUserScramCredentialsRequestUserName {
  name: string;
}

export interface DescribeUserScramCredentialsRequest {
  users: DescribeUserScramCredentialsRequestUserName[] | null;
}

export interface DescribeUserScramCredentialsResponseCredentialInfo {
  mechanism: number;
  iterations: number;
}

export interface DescribeUserScramCredentialsResponseDescribeUserScramCredentialsResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
  credentialInfos: DescribeUserScramCredentialsResponseCredentialInfo[];
}

export interface DescribeUserScramCredentialsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  results: DescribeUserScramCredentialsResponseDescribeUserScramCredentialsResult[];
}

export interface EndTxnRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  committed: boolean;
}

export interface EndTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export interface FetchRequestReplicaState {
  replicaId: number;
  replicaEpoch: bigint;
}

export interface FetchRequestFetchPartition {
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: bigint;
  lastFetchedEpoch: number;
  logStartOffset: bigint;
  partitionMaxBytes: number;
}

export interface FetchRequestFetchTopic {
  topic: string;
  topicId: Buffer;
  partitions: FetchRequestFetchPartition[];
}

export interface FetchRequestForgottenTopic {
  topic: string;
  topicId: Buffer;
  partitions: number[];
}

export interface FetchRequest {
  clusterId: string | null;
  replicaId: number;
  replicaState: FetchRequestReplicaState | null;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: FetchRequestFetchTopic[];
  forgottenTopicsData: FetchRequestForgottenTopic[];
  rackId: string;
}

export interface FetchResponseEpochEndOffset {
  epoch?: number;
  endOffset?: bigint;
}

export interface FetchResponseLeaderIdAndEpoch {
  leaderId?: number;
  leaderEpoch?: number;
}

export interface FetchResponseSnapshotId {
  endOffset: bigint;
  epoch: number;
}

export interface FetchResponseAbortedTransaction {
  producerId?: bigint;
  firstOffset?: bigint;
}

export interface FetchResponsePartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset?: bigint;
  logStartOffset?: bigint;
  divergingEpoch?: FetchResponseEpochEndOffset | null;
  currentLeader?: FetchResponseLeaderIdAndEpoch | null;
  snapshotId?: FetchResponseSnapshotId | null;
  abortedTransactions?: FetchResponseAbortedTransaction[] | null;
  preferredReadReplica?: number;
  records: RecordsData | null;
}

export interface FetchResponseFetchableTopicResponse {
  topic?: string;
  topicId?: Buffer;
  partitions: FetchResponsePartitionData[];
}

export interface FetchResponseNodeEndpoint {
  nodeId?: number;
  host?: string;
  port?: number;
  rack?: string | null;
}

export interface FetchResponse {
  throttleTimeMs?: number;
  errorCode?: number;
  sessionId?: number;
  responses: FetchResponseFetchableTopicResponse[];
  nodeEndpoints?: FetchResponseNodeEndpoint[];
}

export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
  coordinatorKeys: string[];
}

export interface FindCoordinatorResponseCoordinator {
  key?: string;
  nodeId?: number;
  host?: string;
  port?: number;
  errorCode?: number;
  errorMessage?: string | null;
}

export interface FindCoordinatorResponse {
  throttleTimeMs?: number;
  errorCode?: number;
  errorMessage?: string | null;
  nodeId?: number;
  host?: string;
  port?: number;
  coordinators?: FindCoordinatorResponseCoordinator[];
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  throttleTimeMs?: number;
  errorCode: number;
}

export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  producerId: bigint;
  producerEpoch: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

export interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
  reason: string | null;
}

export interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId?: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  throttleTimeMs?: number;
  errorCode: number;
  generationId: number;
  protocolType?: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment?: boolean;
  memberId: string;
  members: JoinGroupResponseMember[];
}

export interface LeaveGroupRequestMemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
  reason: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  memberId: string;
  members: LeaveGroupRequestMemberIdentity[];
}

export interface LeaveGroupResponseMemberResponse {
  memberId?: string;
  groupInstanceId?: string | null;
  errorCode?: number;
}

export interface LeaveGroupResponse {
  throttleTimeMs?: number;
  errorCode: number;
  members?: LeaveGroupResponseMemberResponse[];
}

export interface ListGroupsRequest {
  statesFilter: string[];
  typesFilter: string[];
}

export interface ListGroupsResponseListedGroup {
  groupId: string;
  protocolType: string;
  groupState?: string;
  groupType?: string;
}

export interface ListGroupsResponse {
  throttleTimeMs?: number;
  errorCode: number;
  groups: ListGroupsResponseListedGroup[];
}

export interface ListOffsetsRequestListOffsetsPartition {
  partitionIndex: number;
  currentLeaderEpoch: number;
  timestamp: bigint;
  maxNumOffsets: number;
}

export interface ListOffsetsRequestListOffsetsTopic {
  name: string;
  partitions: ListOffsetsRequestListOffsetsPartition[];
}

export interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: ListOffsetsRequestListOffsetsTopic[];
}

export interface ListOffsetsResponseListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  oldStyleOffsets?: bigint[];
  timestamp?: bigint;
  offset?: bigint;
  leaderEpoch?: number;
}

export interface ListOffsetsResponseListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsResponseListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponse {
  throttleTimeMs?: number;
  topics: ListOffsetsResponseListOffsetsTopicResponse[];
}

export interface ListPartitionReassignmentsRequestListPartitionReassignmentsTopics {
  name: string;
  partitionIndexes: number[];
}

export interface ListPartitionReassignmentsRequest {
  timeoutMs: number;
  topics: ListPartitionReassignmentsRequestListPartitionReassignmentsTopics[] | null;
}

export interface ListPartitionReassignmentsResponseOngoingPartitionReassignment {
  partitionIndex: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface ListPartitionReassignmentsResponseOngoingTopicReassignment {
  name: string;
  partitions: ListPartitionReassignmentsResponseOngoingPartitionReassignment[];
}

export interface ListPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  topics: ListPartitionReassignmentsResponseOngoingTopicReassignment[];
}

export interface MetadataRequestTopic {
  topicId: Buffer;
  name: string | null;
}

export interface MetadataRequest {
  topics: MetadataRequestTopic[] | null;
  allowAutoTopicCreation: boolean;
  includeClusterAuthorizedOperations: boolean;
  includeTopicAuthorizedOperations: boolean;
}

export interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  rack?: string | null;
}

export interface MetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch?: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas?: number[];
}

export interface MetadataResponseTopic {
  errorCode: number;
  name: string | null;
  topicId?: Buffer;
  isInternal?: boolean;
  partitions: MetadataResponsePartition[];
  topicAuthorizedOperations?: number;
}

export interface MetadataResponse {
  throttleTimeMs?: number;
  brokers: MetadataResponseBroker[];
  clusterId?: string | null;
  controllerId?: number;
  topics: MetadataResponseTopic[];
  clusterAuthorizedOperations?: number;
}

export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  commitTimestamp: bigint;
  committedMetadata: string | null;
}

export interface OffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequest {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
  retentionTimeMs: bigint;
  topics: OffsetCommitRequestTopic[];
}

export interface OffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetCommitResponseTopic {
  name: string;
  partitions: OffsetCommitResponsePartition[];
}

export interface OffsetCommitResponse {
  throttleTimeMs?: number;
  topics: OffsetCommitResponseTopic[];
}

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestTopics {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestGroup {
  groupId: string;
  memberId: string | null;
  memberEpoch: number;
  topics: OffsetFetchRequestTopics[] | null;
}

export interface OffsetFetchRequest {
  groupId: string;
  topics: OffsetFetchRequestTopic[] | null;
  groups: OffsetFetchRequestGroup[];
  requireStable: boolean;
}

export interface OffsetFetchResponsePartition {
  partitionIndex?: number;
  committedOffset?: bigint;
  committedLeaderEpoch?: number;
  metadata?: string | null;
  errorCode?: number;
}

export interface OffsetFetchResponseTopic {
  name?: string;
  partitions?: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponsePartitions {
  partitionIndex?: number;
  committedOffset?: bigint;
  committedLeaderEpoch?: number;
  metadata?: string | null;
  errorCode?: number;
}

export interface OffsetFetchResponseTopics {
  name?: string;
  partitions?: OffsetFetchResponsePartitions[];
}

export interface OffsetFetchResponseGroup {
  groupId?: string;
  topics?: OffsetFetchResponseTopics[];
  errorCode?: number;
}

export interface OffsetFetchResponse {
  throttleTimeMs?: number;
  topics?: OffsetFetchResponseTopic[];
  errorCode?: number;
  groups?: OffsetFetchResponseGroup[];
}

export interface OffsetForLeaderEpochRequestOffsetForLeaderPartition {
  partition: number;
  currentLeaderEpoch: number;
  leaderEpoch: number;
}

export interface OffsetForLeaderEpochRequestOffsetForLeaderTopic {
  topic: string;
  partitions: OffsetForLeaderEpochRequestOffsetForLeaderPartition[];
}

export interface OffsetForLeaderEpochRequest {
  replicaId: number;
  topics: OffsetForLeaderEpochRequestOffsetForLeaderTopic[];
}

export interface OffsetForLeaderEpochResponseEpochEndOffset {
  errorCode: number;
  partition: number;
  leaderEpoch?: number;
  endOffset: bigint;
}

export interface OffsetForLeaderEpochResponseOffsetForLeaderTopicResult {
  topic: string;
  partitions: OffsetForLeaderEpochResponseEpochEndOffset[];
}

export interface OffsetForLeaderEpochResponse {
  throttleTimeMs?: number;
  topics: OffsetForLeaderEpochResponseOffsetForLeaderTopicResult[];
}

export interface ProduceRequestPartitionProduceData {
  index: number;
  records: Buffer | null;
}

export interface ProduceRequestTopicProduceData {
  name: string;
  partitionData: ProduceRequestPartitionProduceData[];
}

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: ProduceRequestTopicProduceData[];
}

export interface ProduceResponseBatchIndexAndErrorMessage {
  batchIndex?: number;
  batchIndexErrorMessage?: string | null;
}

export interface ProduceResponseLeaderIdAndEpoch {
  leaderId?: number;
  leaderEpoch?: number;
}

export interface ProduceResponsePartitionProduceResponse {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs?: bigint;
  logStartOffset?: bigint;
  recordErrors?: ProduceResponseBatchIndexAndErrorMessage[];
  errorMessage?: string | null;
  currentLeader?: ProduceResponseLeaderIdAndEpoch | null;
}

export interface ProduceResponseTopicProduceResponse {
  name: string;
  partitionResponses: ProduceResponsePartitionProduceResponse[];
}

export interface ProduceResponseNodeEndpoint {
  nodeId?: number;
  host?: string;
  port?: number;
  rack?: string | null;
}

export interface ProduceResponse {
  responses: ProduceResponseTopicProduceResponse[];
  throttleTimeMs?: number;
  nodeEndpoints?: ProduceResponseNodeEndpoint[];
}

export interface SaslAuthenticateRequest {
  authBytes: Buffer;
}

export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  sessionLifetimeMs?: bigint;
}

export interface SaslHandshakeRequest {
  mechanism: string;
}

export interface SaslHandshakeResponse {
  errorCode: number;
  mechanisms: string[];
}

export interface SyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: SyncGroupRequestAssignment[];
}

export interface SyncGroupResponse {
  throttleTimeMs?: number;
  errorCode: number;
  protocolType?: string | null;
  protocolName?: string | null;
  assignment: Buffer;
}

export interface TxnOffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}

export interface TxnOffsetCommitRequestTopic {
  name: string;
  partitions: TxnOffsetCommitRequestPartition[];
}

export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: bigint;
  producerEpoch: number;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: TxnOffsetCommitRequestTopic[];
}

export interface TxnOffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface TxnOffsetCommitResponseTopic {
  name: string;
  partitions: TxnOffsetCommitResponsePartition[];
}

export interface TxnOffsetCommitResponse {
  throttleTimeMs: number;
  topics: TxnOffsetCommitResponseTopic[];
}
