import { readFile } from 'node:fs/promises';
import { Agent as HttpsAgent } from 'node:https';
import { bundlePaths } from './bundle.js';

/**
 * The stack CA of a data directory, or undefined when the stack is not secure (no bundle). Only
 * the CA certificate is read: clients never need the keys, and the CA file alone is what a user
 * copies to another machine.
 */
export async function readStackCa(dataDir: string): Promise<string | undefined> {
  try {
    return await readFile(bundlePaths(dataDir).caCert, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * An https.Agent trusting the stack CA (on top of nothing else: a stack endpoint presenting a
 * certificate from another CA is refused). It is what clients built on node:https take — the
 * schema-registry client's axios, @smithy/node-http-handler's `httpsAgent` for @aws-sdk/client-s3 —
 * instead of NODE_TLS_REJECT_UNAUTHORIZED, which would turn verification off for the whole process.
 */
export function trustingHttpsAgent(ca: string): HttpsAgent {
  return new HttpsAgent({ ca, keepAlive: true, minVersion: 'TLSv1.2' });
}
