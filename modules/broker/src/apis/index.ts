/**
 * Every API handler the broker serves — one file per API key. ApiVersions advertises exactly
 * these, with their ranges. To add an API: write `NN-name.ts` exporting an ApiHandler and list it
 * here.
 */
import { produce } from './00-produce.js';
import { fetch } from './01-fetch.js';
import { listOffsets } from './02-list-offsets.js';
import { metadata } from './03-metadata.js';
import { offsetCommit } from './08-offset-commit.js';
import { offsetFetch } from './09-offset-fetch.js';
import { findCoordinator } from './10-find-coordinator.js';
import { joinGroup } from './11-join-group.js';
import { heartbeat } from './12-heartbeat.js';
import { leaveGroup } from './13-leave-group.js';
import { syncGroup } from './14-sync-group.js';
import { describeGroups } from './15-describe-groups.js';
import { listGroups } from './16-list-groups.js';
import { deleteGroups } from './42-delete-groups.js';
import { initProducerId } from './22-init-producer-id.js';
import { addPartitionsToTxn } from './24-add-partitions-to-txn.js';
import { addOffsetsToTxn } from './25-add-offsets-to-txn.js';
import { endTxn } from './26-end-txn.js';
import { txnOffsetCommit } from './28-txn-offset-commit.js';
import { apiVersions } from './18-api-versions.js';
import { createTopics } from './19-create-topics.js';
import { deleteTopics } from './20-delete-topics.js';
import { deleteRecords } from './21-delete-records.js';
import { describeConfigs } from './32-describe-configs.js';
import { alterConfigs } from './33-alter-configs.js';
import { createPartitions } from './37-create-partitions.js';
import { offsetForLeaderEpoch } from './23-offset-for-leader-epoch.js';
import { describeAcls } from './29-describe-acls.js';
import { createAcls } from './30-create-acls.js';
import { deleteAcls } from './31-delete-acls.js';
import { alterPartitionReassignments } from './45-alter-partition-reassignments.js';
import { listPartitionReassignments } from './46-list-partition-reassignments.js';
import { saslHandshake } from './17-sasl-handshake.js';
import { saslAuthenticate } from './36-sasl-authenticate.js';
import { describeUserScramCredentials } from './50-describe-user-scram-credentials.js';
import { alterUserScramCredentials } from './51-alter-user-scram-credentials.js';
import type { ApiHandler } from './handler.js';

// Groups: 08 OffsetCommit, 09 OffsetFetch, 10 FindCoordinator, 11 JoinGroup, 12 Heartbeat,
// 13 LeaveGroup, 14 SyncGroup, 15 DescribeGroups, 16 ListGroups, 42 DeleteGroups.
// Transactions: 22 InitProducerId, 24 AddPartitionsToTxn, 25 AddOffsetsToTxn, 26 EndTxn,
// 28 TxnOffsetCommit.
// SASL: 17 SaslHandshake, 36 SaslAuthenticate; users: 50 DescribeUserScramCredentials,
// 51 AlterUserScramCredentials.
// ACLs (enforced with authorizer 'acl', see security/): 29 DescribeAcls, 30 CreateAcls, 31 DeleteAcls.
// Reassignments (one broker: nothing ever moves): 45 AlterPartitionReassignments,
// 46 ListPartitionReassignments.

/**
 * Served (and advertised by ApiVersions) only when a security feature is on — SASL, TLS or the
 * authorizer — so a broker started without any answers exactly as before (the captured
 * ApiVersions fixtures). Kafka lists them on every listener.
 */
export const SECURITY_HANDLERS: readonly ApiHandler[] = [
  saslHandshake,
  saslAuthenticate,
  describeUserScramCredentials,
  alterUserScramCredentials,
];

export const HANDLERS: readonly ApiHandler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  apiVersions,
  createTopics,
  deleteTopics,
  deleteRecords,
  describeConfigs,
  alterConfigs,
  createPartitions,
  offsetForLeaderEpoch,
  describeAcls,
  createAcls,
  deleteAcls,
  alterPartitionReassignments,
  listPartitionReassignments,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  deleteGroups,
  initProducerId,
  addPartitionsToTxn,
  addOffsetsToTxn,
  endTxn,
  txnOffsetCommit,
];
