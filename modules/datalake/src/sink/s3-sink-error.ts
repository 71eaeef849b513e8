/** A failure that must stop the sink (offsets stay uncommitted; a restart resumes safely). */
export class S3SinkError extends Error {
  override readonly name = 'S3SinkError';
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`s3 sink: ${reason} (topic ${topic}, partition ${partition}, offset ${offset})`, options);
  }
}
