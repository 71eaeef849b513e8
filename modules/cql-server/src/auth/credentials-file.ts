import { readFileSync } from 'node:fs';

export class CredentialsFileError extends Error {
  constructor(file: string, reason: string) {
    super(`Credentials file ${file}: ${reason}`);
    this.name = 'CredentialsFileError';
  }
}

/**
 * Reads `username=…` and `password=…` lines (blank lines and `#` comments allowed; the value is
 * everything after the first `=`, trailing newline removed). A file keeps the password out of the
 * command line (visible in `ps`) and out of the environment of child processes.
 */
export function readCredentialsFile(file: string): { username: string; password: string } {
  const values = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new CredentialsFileError(file, 'expected key=value lines (username=…, password=…)');
    values.set(line.slice(0, eq).trim(), line.slice(eq + 1));
  }
  const username = values.get('username')?.trim();
  const password = values.get('password');
  if (!username) throw new CredentialsFileError(file, 'no username= line');
  if (!password) throw new CredentialsFileError(file, 'no password= line');
  return { username, password };
}
