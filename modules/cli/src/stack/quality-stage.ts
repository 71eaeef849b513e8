import { METRICS_TOPIC_ENV, type Logger } from '@meterstream/common';
import { DEFAULT_QUALITY_TOPICS } from '@meterstream/quality';
import { type AppProcess, runCommand, startAppProcess } from './app-process.js';

/** What the pipeline's consumers read: the raw `metrics` topic, or `metrics-clean` behind the quality stage. */
export type PipelineInput = 'raw' | 'clean';

export interface QualityStageOptions {
  cliMain: string;
  /** The stack's METERSTREAM_* environment (stack.env()). */
  env: Readonly<Record<string, string>>;
  /** The stack's data directory: the stage keeps its instance id in <dataDir>/streams-quality. */
  dataDir: string;
  /** `up --rules`: the stage's YAML rules file (reloaded on change); default: the built-in rules. */
  rulesFile?: string;
  logger: Logger;
}

/**
 * `up --input clean`: creates the pipeline's topics (the stage's input and outputs must exist
 * before it subscribes; `topics create` later finds them) and starts `meterstream quality` with its
 * defaults (its rules from `rulesFile` when given) — exactly_once_v2, and the instance id kept in <dataDir>/streams-quality, so a restarted
 * `up` fences its crashed predecessor's transaction as the aggregators do.
 */
export async function startQualityStage(options: QualityStageOptions): Promise<AppProcess> {
  const env = { ...options.env, METERSTREAM_DATA_DIR: options.dataDir };
  await runCommand({ cliMain: options.cliMain, args: ['topics', 'create'], env, logger: options.logger });
  const args = ['quality', ...(options.rulesFile ? ['--rules', options.rulesFile] : [])];
  const stage = startAppProcess({ cliMain: options.cliMain, args, env, logger: options.logger });
  try {
    // "The stack is up" then means the stage has joined its group and reads metrics.
    await stage.running;
  } catch (error) {
    await stage.close();
    throw error;
  }
  return stage;
}

/** The environment `up` adds for the apps started beside it: where they read readings from. */
export function pipelineInputEnv(input: PipelineInput): Record<string, string> {
  return input === 'clean' ? { [METRICS_TOPIC_ENV]: DEFAULT_QUALITY_TOPICS.clean } : {};
}
