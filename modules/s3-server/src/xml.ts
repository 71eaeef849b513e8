import { XMLParser } from 'fast-xml-parser';

/**
 * A tiny XML writer: S3 responses are flat documents, and owning the escaping keeps control over
 * characters XML 1.0 cannot carry literally (written as numeric references, as S3 does).
 */
export type XmlNode = string | number | boolean | null | undefined | XmlNode[] | { [tag: string]: XmlNode };

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

// Characters to escape: markup, and the C0 controls (except tab, LF, CR) and U+FFFE/U+FFFF that
// XML 1.0 cannot carry literally. Built from code points to keep control characters out of the source.
const ESCAPED = new RegExp(
  `[&<>"'${String.fromCharCode(0)}-${String.fromCharCode(8)}${String.fromCharCode(11, 12)}${String.fromCharCode(14)}-${String.fromCharCode(31)}\ufffe\uffff]`,
  'g',
);

export function escapeXml(text: string): string {
  return text.replace(ESCAPED, (ch) => {
    switch (ch) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#x${ch.charCodeAt(0).toString(16)};`;
    }
  });
}

function write(tag: string, node: XmlNode, out: string[]): void {
  if (node === undefined || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) write(tag, item, out);
    return;
  }
  if (typeof node === 'object') {
    out.push(`<${tag}>`);
    for (const [child, value] of Object.entries(node)) write(child, value, out);
    out.push(`</${tag}>`);
    return;
  }
  out.push(`<${tag}>${escapeXml(String(node))}</${tag}>`);
}

/** `<?xml ...?><root xmlns="...">...</root>`; arrays repeat their tag, undefined/null are left out. */
export function xmlDocument(root: string, body: Record<string, XmlNode>, namespace = true): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    namespace ? `<${root} xmlns="${S3_NAMESPACE}">` : `<${root}>`,
  ];
  for (const [tag, value] of Object.entries(body)) write(tag, value, out);
  out.push(`</${root}>`);
  return out.join('');
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (_name, jpath) => jpath === 'CompleteMultipartUpload.Part' || jpath === 'Delete.Object',
});

/** Parses a request body document; the caller checks its shape. Throws on malformed XML. */
export function parseXml(text: string): Record<string, unknown> {
  return parser.parse(text, true) as Record<string, unknown>;
}
