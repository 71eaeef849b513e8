import { ErrorCode } from '../protocol/errors.js';
import type {
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
} from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/**
 * ListPartitionReassignments: one broker never moves a replica, so no reassignment is ever in
 * progress — the answer lists no topics, whether all or some were asked for (Kafka also leaves
 * out topics that do not exist).
 */
export const listPartitionReassignments: ApiHandler<
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse
> = {
  apiKey: 46,
  name: 'ListPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  handle() {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: [] };
  },
};
