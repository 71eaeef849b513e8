/**
 * Security settings, by Kafka's names: the listener's security protocol (PLAINTEXT, SSL,
 * SASL_PLAINTEXT, SASL_SSL), `sasl.enabled.mechanisms`, `super.users`, `authorizer.class.name`
 * (here "acl" or none) and `allow.everyone.if.no.acl.found`. All off by default: a broker without
 * them behaves exactly as before.
 */
import { isSaslMechanism, type SaslMechanism } from './sasl-server.js';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
const PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export interface SecurityOptions {
  /** The listener's protocol (Kafka's listener.security.protocol.map). Default PLAINTEXT. */
  securityProtocol?: SecurityProtocol;
  /** sasl.enabled.mechanisms. Default PLAIN, SCRAM-SHA-256, SCRAM-SHA-512. */
  saslEnabledMechanisms?: readonly string[];
  /** PEM certificate chain and private key of the TLS listener (SSL, SASL_SSL). */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** super.users: principals ("User:alice") every authorization check lets through. */
  superUsers?: readonly string[];
  /** authorizer.class.name: "acl" enforces the ACLs (CreateAcls …) on every request. Default off. */
  authorizer?: 'acl' | 'none';
  /** allow.everyone.if.no.acl.found: a resource no ACL names is open to all. Default false. */
  allowEveryoneIfNoAclFound?: boolean;
  /** File of `user:password` lines: SCRAM credentials created (or replaced) at start. */
  saslUsersFile?: string;
  /**
   * connection.failed.authentication.delay.ms: a failed authentication is answered (and its
   * connection closed) this much later, which slows password guessing. Default 100 (Kafka's).
   */
  failedAuthenticationDelayMs?: number;
  /** The same, given in-process (or from the METERSTREAM_SASL_USERS environment variable). */
  saslUsers?: readonly { user: string; password: string }[];
}

export interface SecurityConfig {
  /** Any of SASL, TLS, the authorizer: the security APIs (17, 36, 50, 51) are served then. */
  enabled: boolean;
  securityProtocol: SecurityProtocol;
  sasl: boolean;
  tls: boolean;
  saslEnabledMechanisms: readonly SaslMechanism[];
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  superUsers: ReadonlySet<string>;
  authorizer: boolean;
  allowEveryoneIfNoAclFound: boolean;
  saslUsersFile: string | undefined;
  saslUsers: readonly { user: string; password: string }[];
  failedAuthenticationDelayMs: number;
}

export class SecurityConfigError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`broker option ${option}: ${message}`);
    this.name = 'SecurityConfigError';
  }
}

export function resolveSecurity(o: SecurityOptions): SecurityConfig {
  const securityProtocol = o.securityProtocol ?? 'PLAINTEXT';
  if (!PROTOCOLS.includes(securityProtocol)) {
    throw new SecurityConfigError(
      'securityProtocol',
      `must be one of ${PROTOCOLS.join(', ')}, not ${securityProtocol}`,
    );
  }
  const mechanisms = o.saslEnabledMechanisms ?? ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
  for (const m of mechanisms) {
    if (!isSaslMechanism(m)) {
      throw new SecurityConfigError(
        'saslEnabledMechanisms',
        `unsupported mechanism ${m} (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)`,
      );
    }
  }
  const tls = securityProtocol === 'SSL' || securityProtocol === 'SASL_SSL';
  const sasl = securityProtocol === 'SASL_PLAINTEXT' || securityProtocol === 'SASL_SSL';
  if (tls && (!o.tlsCertFile || !o.tlsKeyFile)) {
    throw new SecurityConfigError('tlsCertFile', `${securityProtocol} needs tlsCertFile and tlsKeyFile`);
  }
  if (sasl && mechanisms.length === 0) {
    throw new SecurityConfigError(
      'saslEnabledMechanisms',
      `${securityProtocol} needs at least one mechanism`,
    );
  }
  for (const p of o.superUsers ?? []) {
    if (!/^[^:]+:.+$/.test(p))
      throw new SecurityConfigError('superUsers', `"${p}" is not a principal (User:name)`);
  }
  const authorizer = o.authorizer ?? 'none';
  if (authorizer !== 'acl' && authorizer !== 'none') {
    throw new SecurityConfigError('authorizer', `must be "acl" or "none", not ${String(authorizer)}`);
  }
  return {
    enabled: sasl || tls || authorizer === 'acl',
    securityProtocol,
    sasl,
    tls,
    saslEnabledMechanisms: mechanisms as SaslMechanism[],
    tlsCertFile: o.tlsCertFile,
    tlsKeyFile: o.tlsKeyFile,
    superUsers: new Set(o.superUsers ?? []),
    authorizer: authorizer === 'acl',
    allowEveryoneIfNoAclFound: o.allowEveryoneIfNoAclFound ?? false,
    saslUsersFile: o.saslUsersFile,
    saslUsers: o.saslUsers ?? [],
    failedAuthenticationDelayMs: nonNegative(
      'failedAuthenticationDelayMs',
      o.failedAuthenticationDelayMs ?? 100,
    ),
  };
}

function nonNegative(option: string, v: number): number {
  if (!Number.isInteger(v) || v < 0)
    throw new SecurityConfigError(option, `must be an integer >= 0, not ${v}`);
  return v;
}
