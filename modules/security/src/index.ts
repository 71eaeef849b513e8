export { BasicAuthenticator, basicAuthHeader, type AuthDecision } from './basic-auth.js';
export { assertSafeBind, isLoopback } from './bind-check.js';
export {
  bundlePaths,
  ensureSecurityBundle,
  loadSecurityBundle,
  readCredentialsFile,
  rotatePasswords,
  type SecurityBundle,
  type SecurityBundlePaths,
} from './bundle.js';
export { assertCertificateNames, serverNames } from './certificates.js';
export {
  ACCESS_LEVELS,
  ADMIN_USER,
  APP_ROLES,
  allows,
  generateCredentials,
  parseCredentials,
  randomPassword,
  type AccessLevel,
  type AppRole,
  type UserCredential,
} from './credentials.js';
export { InsecureBindError, SecurityBundleError } from './errors.js';
export {
  denialMessage,
  errorCodeJson,
  FAILED_LOGIN_DELAY_MS,
  fastifyBasicAuthHook,
  httpBasicAuthGuard,
  plainTextError,
  type ErrorBody,
} from './http-guard.js';
export { REDACTED, redactSecrets } from './redact.js';
export { tlsClientOptions, tlsServerOptions } from './tls-options.js';
export { redisAclFile, writeRedisAclFile } from './redis-acl.js';
export { type EndpointSecurity, metricsGuard } from './metrics-guard.js';
export { type MetricsEndpoint, type MetricsSource, serveMetrics } from './metrics-endpoint.js';
export { type RedisTlsFiles, redisTlsArgs, redisTlsFailure } from './redis-tls.js';
export {
  createHttpOrHttpsServer,
  type HttpsServerOptions,
  type HttpTlsSource,
  httpsServerOptions,
  stackCaPath,
} from './https-server.js';
export { readStackCa, trustingHttpsAgent } from './https-clients.js';
