/**
 * The captured-frame fixture format (test/fixtures/protocol/<client>/<NN>-<api>-v<N>.hex): a few
 * `#` comment lines saying what the frames are — one of them `# meta: {json}` read by the test —
 * then `request` and `response` sections of hex, 32 bytes a line. Frames are stored without
 * their 4-byte size prefix, as the broker's connection hands them to the codec.
 */
export interface FixtureMeta {
  client: string;
  clientVersion: string;
  apiKey: number;
  api: string;
  version: number;
  /** Port of the capture proxy, which the broker advertised (Metadata, FindCoordinator). */
  advertisedPort: number;
}

export interface FixtureFile {
  meta: FixtureMeta;
  /** Human-readable comment lines (without the leading `# `). */
  comments: string[];
  request: Buffer;
  /** Null for a request that gets no answer (Produce with acks=0). */
  response: Buffer | null;
}

const LINE_BYTES = 32;

function hexLines(b: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i < b.length; i += LINE_BYTES) out.push(b.subarray(i, i + LINE_BYTES).toString('hex'));
  return out;
}

export function formatFixture(f: FixtureFile): string {
  const lines = [...f.comments.map((c) => `# ${c}`), `# meta: ${JSON.stringify(f.meta)}`];
  lines.push('request', ...hexLines(f.request));
  if (f.response) lines.push('response', ...hexLines(f.response));
  return `${lines.join('\n')}\n`;
}

export class FixtureFormatError extends Error {
  constructor(file: string, problem: string) {
    super(`protocol fixture ${file}: ${problem}`);
    this.name = 'FixtureFormatError';
  }
}

export function parseFixture(file: string, text: string): FixtureFile {
  const comments: string[] = [];
  let meta: FixtureMeta | null = null;
  const hex: Record<'request' | 'response', string[]> = { request: [], response: [] };
  let section: 'request' | 'response' | null = null;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const c = line.replace(/^#\s?/, '');
      if (c.startsWith('meta: ')) meta = JSON.parse(c.slice(6)) as FixtureMeta;
      else comments.push(c);
    } else if (line === 'request' || line === 'response') {
      section = line;
    } else if (section && /^([0-9a-f]{2})+$/.test(line)) {
      hex[section].push(line);
    } else {
      throw new FixtureFormatError(file, `line ${i + 1} is neither a comment, a section nor hex`);
    }
  }
  if (!meta) throw new FixtureFormatError(file, 'no `# meta:` line');
  if (hex.request.length === 0) throw new FixtureFormatError(file, 'no request bytes');
  return {
    meta,
    comments,
    request: Buffer.from(hex.request.join(''), 'hex'),
    response: hex.response.length > 0 ? Buffer.from(hex.response.join(''), 'hex') : null,
  };
}
