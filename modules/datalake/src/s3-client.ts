import { S3Client } from '@aws-sdk/client-s3';
import { httpsAgentFor, type MeterstreamConfig } from '@meterstream/common';

export type S3Settings = MeterstreamConfig['s3'];

/**
 * An S3 client for AWS, MinIO or the embedded server, chosen by configuration alone.
 *
 * - `forcePathStyle`: MinIO and the embedded server serve `http://host:port/<bucket>/<key>`; AWS
 *   virtual-hosted names (`<bucket>.host`) do not resolve on 127.0.0.1.
 * - checksums `WHEN_REQUIRED`: since 3.729 the SDK adds CRC32 checksum headers (and trailers on
 *   streaming uploads) to every request and validates response checksums; S3-compatible servers
 *   that predate that change reject or mangle such requests. Only operations that S3 itself
 *   requires a checksum for (e.g. DeleteObjects) still send one.
 * - an https endpoint whose CA `loadConfig` recorded (the secured stack's, http-trust.ts) is
 *   verified against that CA through the node-http-handler's agent.
 */
export function createS3Client(settings: S3Settings): S3Client {
  const httpsAgent = httpsAgentFor(settings.endpoint);
  return new S3Client({
    ...(httpsAgent ? { requestHandler: { httpsAgent } } : {}),
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
