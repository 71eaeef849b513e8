export {
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_SECRET_ACCESS_KEY,
  type S3Server,
  type S3ServerOptions,
  startS3Server,
} from './server.js';
export { S3Error, type S3ErrorCode } from './errors.js';
export {
  type AccessKey,
  AccessKeysFileError,
  type BucketAccess,
  type BucketGrant,
  readAccessKeysFile,
} from './auth/access-keys.js';
