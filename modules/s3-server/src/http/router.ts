import { S3Error } from '../errors.js';
import { createBucket, deleteBucket, getBucketLocation, headBucket } from '../handlers/bucket.js';
import { deleteObject, deleteObjects } from '../handlers/delete-objects.js';
import { getObject, headObject } from '../handlers/get-object.js';
import { listObjectsV1, listObjectsV2 } from '../handlers/list-objects.js';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
} from '../handlers/multipart.js';
import { copyObject, putObject } from '../handlers/put-object.js';
import { listBuckets } from '../handlers/service.js';
import { type S3Request, headerValue } from './context.js';

type Handler = (r: S3Request) => Promise<void>;

/** Bucket and object sub-resources this server does not implement: named in a NotImplemented error. */
const UNSUPPORTED = [
  'acl',
  'analytics',
  'cors',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'tagging',
  'torrent',
  'versioning',
  'versions',
  'website',
  'accelerate',
  'attributes',
];

/** The operation a request names (method, bucket/key presence, sub-resource query parameters). */
export function route(r: S3Request): Handler {
  const q = r.query;
  const unsupported = UNSUPPORTED.find((name) => q.has(name));
  if (unsupported)
    throw new S3Error('NotImplemented', `The ${unsupported} sub-resource is not implemented by this server`);
  if (r.bucket === undefined) {
    if (r.method === 'GET') return listBuckets;
    throw methodNotAllowed(r);
  }
  if (r.key === undefined) {
    switch (r.method) {
      case 'GET':
        if (q.has('location')) return getBucketLocation;
        if (q.has('uploads')) return listMultipartUploads;
        return q.get('list-type') === '2' ? listObjectsV2 : listObjectsV1;
      case 'HEAD':
        return headBucket;
      case 'PUT':
        return createBucket;
      case 'DELETE':
        return deleteBucket;
      case 'POST':
        if (q.has('delete')) return deleteObjects;
        break;
    }
    throw methodNotAllowed(r);
  }
  switch (r.method) {
    case 'GET':
      return q.has('uploadId') ? listParts : getObject;
    case 'HEAD':
      return headObject;
    case 'PUT':
      if (q.has('uploadId') && q.has('partNumber')) return uploadPart;
      return headerValue(r.req, 'x-amz-copy-source') !== undefined ? copyObject : putObject;
    case 'POST':
      if (q.has('uploads')) return createMultipartUpload;
      if (q.has('uploadId')) return completeMultipartUpload;
      break;
    case 'DELETE':
      return q.has('uploadId') ? abortMultipartUpload : deleteObject;
  }
  throw methodNotAllowed(r);
}

function methodNotAllowed(r: S3Request): S3Error {
  return new S3Error(
    'MethodNotAllowed',
    `The specified method (${r.method}) is not allowed against this resource.`,
    {
      Method: r.method,
    },
  );
}
