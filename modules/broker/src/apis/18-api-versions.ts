import type { ApiVersionsRequest, ApiVersionsResponse } from '../protocol/messages.generated.js';
import { ErrorCode } from '../protocol/errors.js';
import type { ApiHandler } from './handler.js';

/** Advertises exactly the registered handlers' version ranges. */
export const apiVersions: ApiHandler<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 3,
  handle(_req, ctx) {
    const apiKeys = [...ctx.broker.handlers.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
    return { errorCode: ErrorCode.NONE, apiKeys, throttleTimeMs: 0 };
  },
};
