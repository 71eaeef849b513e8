import { SqlTypes } from '../../../types/sql-type.js';
import { fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/** URL functions (java.net.URI's parts): NULL for a part the URL lacks; an invalid URL fails. */
function parse(url: string): URL {
  return new URL(url);
}

const part = (
  name: string,
  description: string,
  f: (u: URL) => string | number | null,
  type = SqlTypes.STRING,
) => scalar(name, 'URL', description, [fixed([P.STRING], type, (s: string) => f(parse(s)))]);

export const URL_EXTRACT_HOST = part(
  'URL_EXTRACT_HOST',
  'Extracts the host-name portion of the specified value.',
  (u) => u.hostname || null,
);
// java.net.URI keeps an absent path empty where WHATWG URLs say '/'
export const URL_EXTRACT_PATH = scalar('URL_EXTRACT_PATH', 'URL', 'Extracts the path from a URL.', [
  fixed([P.STRING], SqlTypes.STRING, (s: string) => {
    const u = parse(s);
    return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*(?:[?#]|$)/.test(s) ? '' : decodeURIComponent(u.pathname);
  }),
]);
export const URL_EXTRACT_PORT = part(
  'URL_EXTRACT_PORT',
  'Extracts the port number from a URL.',
  (u) => (u.port === '' ? null : Number(u.port)),
  SqlTypes.INTEGER,
);
export const URL_EXTRACT_PROTOCOL = part('URL_EXTRACT_PROTOCOL', 'Extracts the protocol from a URL.', (u) =>
  u.protocol.replace(/:$/, ''),
);
export const URL_EXTRACT_QUERY = part(
  'URL_EXTRACT_QUERY',
  'Extracts the decoded query-string portion of the specified value.',
  (u) => (u.search === '' ? null : decodeURIComponent(u.search.slice(1))),
);
export const URL_EXTRACT_FRAGMENT = part(
  'URL_EXTRACT_FRAGMENT',
  'Extracts the fragment portion of the specified value.',
  (u) => (u.hash === '' ? null : decodeURIComponent(u.hash.slice(1))),
);

export const URL_EXTRACT_PARAMETER = scalar(
  'URL_EXTRACT_PARAMETER',
  'URL',
  'Extracts the decoded value of the first query parameter of that name.',
  [
    fixed([P.STRING, P.STRING], SqlTypes.STRING, (s: string, name: string) =>
      parse(s).searchParams.get(name),
    ),
  ],
);

/** application/x-www-form-urlencoded, as Java's URLEncoder (space as '+'). */
export const URL_ENCODE_PARAM = scalar(
  'URL_ENCODE_PARAM',
  'URL',
  'Escapes the value so it can be safely placed inside a URL query parameter.',
  [
    fixed([P.STRING], SqlTypes.STRING, (s: string) =>
      encodeURIComponent(s)
        .replace(/%20/g, '+')
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    ),
  ],
);

export const URL_DECODE_PARAM = scalar(
  'URL_DECODE_PARAM',
  'URL',
  'Unescapes a URL-encoded query parameter value.',
  [fixed([P.STRING], SqlTypes.STRING, (s: string) => decodeURIComponent(s.replace(/\+/g, ' ')))],
);
