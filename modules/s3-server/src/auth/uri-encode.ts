/** SigV4 URI encoding: every byte except A–Z a–z 0–9 - _ . ~ as %XX (upper-case hex). */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Decodes one percent-encoded URL component; undefined when it is not valid UTF-8. */
export function uriDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The query string's parameters in order, decoded (a `+` stays a plus, as S3 clients encode spaces as %20). */
export function parseQuery(raw: string): [string, string][] | undefined {
  const params: [string, string][] = [];
  if (raw === '') return params;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = uriDecode(eq < 0 ? part : part.slice(0, eq));
    const value = uriDecode(eq < 0 ? '' : part.slice(eq + 1));
    if (name === undefined || value === undefined) return undefined;
    params.push([name, value]);
  }
  return params;
}
