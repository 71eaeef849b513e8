export { type CqlServer, type CqlServerOptions, DEFAULT_LIMITS, startCqlServer } from './server/server.js';
export { DATACENTER, RELEASE_VERSION } from './engine/system-tables.js';
export { ErrorCode } from './protocol/errors.js';
export { readCredentialsFile } from './auth/credentials-file.js';
