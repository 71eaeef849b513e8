import type { AuthDecision, BasicAuthenticator } from './basic-auth.js';
import type { AccessLevel } from './credentials.js';

type Denied = Extract<AuthDecision, { ok: false }>;

/** The body a server answers a refused request with, in its own error shape. */
export type ErrorBody = (denied: Denied) => { contentType: string; body: string };

/** A JSON `{"error_code": …, "message": …}` body (ksqlDB's and the Schema Registry's shape). */
export function errorCodeJson(codes: { unauthorized: number; forbidden: number }): ErrorBody {
  return (denied) => ({
    contentType: 'application/json',
    body: JSON.stringify({
      error_code: denied.status === 401 ? codes.unauthorized : codes.forbidden,
      message: denialMessage(denied),
    }),
  });
}

/** A `text/plain` body (Prometheus' scrape endpoints answer plain text). */
export const plainTextError: ErrorBody = (denied) => ({
  contentType: 'text/plain; charset=utf-8',
  body: `${denialMessage(denied)}\n`,
});

export function denialMessage(denied: Denied): string {
  if (denied.status === 403) return `User ${denied.username} is not permitted to perform this operation`;
  return denied.reason === 'missing' ? 'Unauthorized: credentials are required' : 'Unauthorized';
}

/** What the guard uses of a Node `http` / `http2` request (structurally, so adapters fit too). */
export interface GuardedRequest {
  readonly headers: { authorization?: string | string[] };
  resume(): unknown;
}
/** What the guard uses of a Node `http` / `http2` response. */
export interface GuardedResponse {
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  end(chunk: Buffer): unknown;
}

/**
 * How long a 401 for wrong or unknown credentials is held back, as Kafka's
 * `connection.failed.authentication.delay.ms` (default 100) does for SASL: a client guessing
 * passwords one after the other gets ~10 tries a second per connection instead of thousands, so a
 * brute force neither gets far nor takes the CPU of logged-in clients (bench/http-auth-failed-logins.ts).
 * The wait is a timer, not work: other requests are served meanwhile. A request without any
 * credentials (a client's first try before its challenge) and a 403 (a known user, below the
 * access needed) are answered at once.
 */
export const FAILED_LOGIN_DELAY_MS = 100;

/** Whether a refusal is a failed login (wrong password, unknown user, malformed credentials). */
function isFailedLogin(denied: Denied): boolean {
  return denied.status === 401 && denied.reason !== 'missing';
}

/**
 * Checks a Node `http` / `http2` request; on refusal writes the 401 (with the Basic challenge)
 * or 403 answer and returns false, so a handler reads `if (!guard(req, res, 'read')) return;`.
 * A failed login is answered after `failedLoginDelayMs` (FAILED_LOGIN_DELAY_MS).
 */
export function httpBasicAuthGuard(
  auth: BasicAuthenticator,
  errorBody: ErrorBody,
  failedLoginDelayMs = FAILED_LOGIN_DELAY_MS,
): (req: GuardedRequest, res: GuardedResponse, required: AccessLevel) => boolean {
  return (req, res, required) => {
    const decision = auth.authorize(req.headers.authorization, required);
    if (decision.ok) return true;
    const { contentType, body } = errorBody(decision);
    const bytes = Buffer.from(body, 'utf8');
    const headers: Record<string, string | number> = {
      'content-type': contentType,
      'content-length': bytes.length,
    };
    if (decision.status === 401) headers['www-authenticate'] = auth.challenge;
    // The body of a refused request is not read: drain it so a keep-alive connection stays usable.
    req.resume();
    const answer = () => {
      try {
        res.writeHead(decision.status, headers);
        res.end(bytes);
      } catch {
        // The client left during the delay (an HTTP/2 stream refuses headers once closed).
      }
    };
    if (isFailedLogin(decision) && failedLoginDelayMs > 0) setTimeout(answer, failedLoginDelayMs);
    else answer();
    return false;
  };
}

/** The parts of fastify's request and reply a hook uses (so this package needs no fastify). */
interface HookRequest {
  method: string;
  headers: { authorization?: string | string[] };
}
interface HookReply {
  code(status: number): HookReply;
  header(name: string, value: string): HookReply;
  type(contentType: string): HookReply;
  send(body: string): unknown;
}

/**
 * A fastify `onRequest` hook: `app.addHook('onRequest', fastifyBasicAuthHook(auth, body, needs))`.
 * `needs` maps a request to the access it requires (by default GET/HEAD read, anything else write).
 */
export function fastifyBasicAuthHook(
  auth: BasicAuthenticator,
  errorBody: ErrorBody,
  needs: (request: HookRequest) => AccessLevel = (r) =>
    r.method === 'GET' || r.method === 'HEAD' ? 'read' : 'write',
  failedLoginDelayMs = FAILED_LOGIN_DELAY_MS,
): (request: HookRequest, reply: HookReply) => Promise<void> {
  return async (request, reply) => {
    const decision = auth.authorize(request.headers.authorization, needs(request));
    if (decision.ok) return;
    if (isFailedLogin(decision) && failedLoginDelayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, failedLoginDelayMs));
    const { contentType, body } = errorBody(decision);
    reply.code(decision.status).type(contentType);
    if (decision.status === 401) reply.header('www-authenticate', auth.challenge);
    await reply.send(body);
  };
}
