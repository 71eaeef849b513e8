import cassandra from 'cassandra-driver';

/** A driver client logging in with PlainTextAuthProvider (or without credentials when `user` is null). */
export function authClient(
  port: number,
  user: { username: string; password: string } | null,
  extra: Partial<cassandra.ClientOptions> = {},
): cassandra.Client {
  return new cassandra.Client({
    contactPoints: [`127.0.0.1:${port}`],
    localDataCenter: 'datacenter1',
    ...(user ? { authProvider: new cassandra.auth.PlainTextAuthProvider(user.username, user.password) } : {}),
    ...extra,
  });
}

/** Runs `fn` with a connected client and always shuts it down. */
export async function withClient<T>(
  port: number,
  user: { username: string; password: string } | null,
  fn: (c: cassandra.Client) => Promise<T>,
  extra: Partial<cassandra.ClientOptions> = {},
): Promise<T> {
  const client = authClient(port, user, extra);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.shutdown();
  }
}

/** The error of a connect that must fail (the driver wraps it: NoHostAvailableError → innerErrors). */
export async function connectError(
  client: cassandra.Client,
): Promise<{ name: string; message: string; inner: Error }> {
  try {
    await client.connect();
  } catch (err) {
    const e = err as Error & { innerErrors?: Record<string, Error> };
    const inner = Object.values(e.innerErrors ?? {})[0];
    return { name: e.name, message: e.message, inner };
  } finally {
    await client.shutdown();
  }
  throw new Error('expected the connection to be refused');
}
