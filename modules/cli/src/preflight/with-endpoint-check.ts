import { loadConfig } from '@meterstream/common';
import type { CommandModule } from 'yargs';
import { checkEndpoints } from './check-endpoints.js';
import { COMMAND_ENDPOINTS } from './command-endpoints.js';

/**
 * `command` with its endpoints checked first (see checkEndpoints): a command whose server is down
 * fails in a second with one line naming it, instead of inside a client's retry loop. The check
 * runs in the handler, so usage errors (yargs' validation and the command's own checks) come first
 * and never need a server.
 */
export function withEndpointCheck<T, U>(command: CommandModule<T, U>, path: string): CommandModule<T, U> {
  const endpoints = COMMAND_ENDPOINTS[path];
  if (!endpoints) throw new Error(`no endpoint list for command "${path}" in COMMAND_ENDPOINTS`);
  const handler = command.handler;
  return {
    ...command,
    handler: async (args) => {
      await checkEndpoints(
        loadConfig(args as Record<string, unknown>),
        endpoints(args as Record<string, unknown>),
      );
      await handler(args);
    },
  };
}
