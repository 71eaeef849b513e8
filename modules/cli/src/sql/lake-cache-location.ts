import { join } from 'node:path';
import type { MeterstreamConfig } from '@meterstream/common';

/** The `--cache-dir` option of the commands that read the lake through a local copy (sql, marts). */
export const CACHE_DIR_OPTION = {
  type: 'string',
  describe: 'Where the local copy of the lake lives (default <data-dir>/lake-cache)',
} as const;

/**
 * Where the local copy of a lake lives and which lake it is: the S3 endpoint URL (AWS's regional
 * one when none is configured) names the lake, so two lakes never share a cache directory
 * (datalake's lakeCacheDir); the root is `--cache-dir` or `<data-dir>/lake-cache`.
 */
export function lakeCacheLocation(
  config: MeterstreamConfig,
  cacheDir: string | undefined,
): { endpoint: string; root: string } {
  return {
    endpoint: config.s3.endpoint ?? `https://s3.${config.s3.region}.amazonaws.com`,
    root: cacheDir ?? join(config.dataDir, 'lake-cache'),
  };
}
