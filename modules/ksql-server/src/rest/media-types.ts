import { ErrorCode, RestError } from './rest-errors.js';

export const KSQL_V1_JSON = 'application/vnd.ksql.v1+json';
export const JSON_TYPE = 'application/json';
export const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';

/**
 * Picks the response type from the Accept header among what an endpoint produces (the first one
 * when the client accepts anything), as Vert.x's `produces` routing does: none acceptable → 406.
 */
export function negotiate(accept: string | undefined, produces: readonly string[]): string {
  const first = produces[0] as string;
  if (accept === undefined || accept.trim() === '') return first;
  const wanted = accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)) };
    })
    .filter((w) => w.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const w of wanted) {
    if (w.type === '*/*' || w.type === 'application/*') return first;
    const match = produces.find((p) => p === w.type);
    if (match) return match;
  }
  throw new RestError(
    406,
    ErrorCode.NOT_ACCEPTABLE,
    `Not acceptable: ${accept}; this endpoint produces ${produces.join(', ')}`,
  );
}
