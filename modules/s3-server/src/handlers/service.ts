import type { S3Request } from '../http/context.js';
import { sendXml } from '../http/respond.js';

const OWNER = { ID: 'meterstream', DisplayName: 'meterstream' };

/** GET / — ListBuckets. */
export async function listBuckets({ res, core, requestId }: S3Request): Promise<void> {
  sendXml(
    res,
    200,
    'ListAllMyBucketsResult',
    {
      Owner: OWNER,
      Buckets: { Bucket: core.store.bucketNames().map((b) => ({ Name: b.name, CreationDate: b.created })) },
    },
    { 'x-amz-request-id': requestId },
  );
}
