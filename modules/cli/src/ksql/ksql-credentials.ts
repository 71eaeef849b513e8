import { createInterface } from 'node:readline';

/**
 * The server URL with `user:password@` for KsqlClient (which moves them into a Basic auth header),
 * as ksqlDB's CLI takes `-u user` and `-p password` or asks for the password: from `password`, else
 * `$METERSTREAM_KSQL_PASSWORD`, else a prompt on a terminal that does not echo.
 */
export async function serverUrlWithCredentials(
  serverUrl: string,
  user: string | undefined,
  password: string | undefined,
): Promise<string> {
  if (!user) return serverUrl;
  const secret = password ?? process.env.METERSTREAM_KSQL_PASSWORD ?? (await promptPassword(user));
  const url = new URL(serverUrl);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(secret);
  return url.toString();
}

/** The URL for display: without its password. */
export function displayUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.password = '';
  return url.toString().replace(/\/$/, '');
}

async function promptPassword(user: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new Error(
      `--user ${user}: no password (give $METERSTREAM_KSQL_PASSWORD or --password, or run on a terminal)`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const write = (rl as unknown as { _writeToOutput?: (s: string) => void })._writeToOutput;
  process.stdout.write(`Enter password for ${user}: `);
  // Echo nothing of what is typed (readline's own hook, as ksqlDB's CLI hides it).
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    if (write) (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = write;
    rl.close();
    process.stdout.write('\n');
  }
}
