import type { ServerResponse } from 'node:http';
import type { S3Error } from '../errors.js';
import { type XmlNode, escapeXml, xmlDocument } from '../xml.js';

export function sendXml(
  res: ServerResponse,
  status: number,
  root: string,
  body: Record<string, XmlNode>,
  headers: Record<string, string> = {},
): void {
  const text = xmlDocument(root, body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendEmpty(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number> = {},
): void {
  res.writeHead(status, { ...headers, 'Content-Length': 0 });
  res.end();
}

/** An S3 error document (no body for HEAD and 304, as S3 does). */
export function sendError(
  res: ServerResponse,
  error: S3Error,
  requestId: string,
  resource: string,
  head: boolean,
  closeConnection: boolean,
): void {
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  const headers: Record<string, string | number> = { 'x-amz-request-id': requestId };
  if (closeConnection) headers.Connection = 'close';
  if (head || error.status === 304) {
    res.writeHead(error.status, headers);
    res.end();
    return;
  }
  const details = Object.entries(error.details)
    .map(([tag, value]) => `<${tag}>${escapeXml(value)}</${tag}>`)
    .join('');
  const text =
    '<?xml version="1.0" encoding="UTF-8"?><Error>' +
    `<Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId>${details}</Error>`;
  res.writeHead(error.status, {
    ...headers,
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
