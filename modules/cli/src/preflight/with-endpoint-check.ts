import { loadConfig } from '@meterstream/common';
import type { Argv, CommandModule } from 'yargs';
import { checkEndpoints } from './check-endpoints.js';
import { COMMAND_ENDPOINTS, CONFIG_FLAG_GROUPS } from './command-endpoints.js';

const ALL_FLAGS = new Set<string>(Object.values(CONFIG_FLAG_GROUPS).flat());

/**
 * `command` as COMMAND_ENDPOINTS[path] describes it:
 * - its help shows only the shared flags it uses (the others stay accepted, so one environment or
 *   script can pass the same flags to every command);
 * - its endpoints are checked before its handler runs (see checkEndpoints): a command whose server
 *   is down fails in a second with one line naming it, instead of inside a client's retry loop.
 *   The check runs in the handler, so usage errors (yargs' validation and the command's own checks)
 *   come first and never need a server.
 */
export function withEndpointCheck<T, U>(command: CommandModule<T, U>, path: string): CommandModule<T, U> {
  const endpoints = COMMAND_ENDPOINTS[path];
  if (!endpoints) throw new Error(`no entry for command "${path}" in COMMAND_ENDPOINTS`);
  const shown = new Set<string>(
    [...endpoints.help, 'logging' as const].flatMap((g) => CONFIG_FLAG_GROUPS[g]),
  );
  const { builder, handler } = command;
  return {
    ...command,
    builder: (yargs: Argv<T>) => {
      const built = (
        typeof builder === 'function' ? builder(yargs) : yargs.options(builder ?? {})
      ) as Argv<U>;
      let result = built;
      for (const flag of ALL_FLAGS) if (!shown.has(flag)) result = result.hide(flag);
      return result;
    },
    handler: async (args) => {
      const config = loadConfig(args as Record<string, unknown>);
      await checkEndpoints(config, endpoints.check(args as Record<string, unknown>));
      await handler(args);
    },
  };
}
