/** A failure of the security bundle (generation, loading, files), naming the path involved. */
export class SecurityBundleError extends Error {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} (${path})`, options);
    this.name = 'SecurityBundleError';
  }
}

/** A server asked to listen beyond loopback with no authentication configured. */
export class InsecureBindError extends Error {
  constructor(
    readonly server: string,
    readonly host: string,
  ) {
    super(
      `${server}: refusing to listen on ${host} without authentication — give credentials/TLS ` +
        'or pass --insecure to accept anyone who can reach the port',
    );
    this.name = 'InsecureBindError';
  }
}
