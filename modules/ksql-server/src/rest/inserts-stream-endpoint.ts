import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { type HttpExchange, responseGone } from './http-exchange.js';
import { DELIMITED, JSON_TYPE, negotiate } from './media-types.js';
import { parseJsonObject, stringField, tooLarge } from './request-body.js';
import type { RestContext } from './rest-context.js';
import { ErrorCode, RestError, restErrorOf } from './rest-errors.js';

/**
 * POST /inserts-stream (HTTP/2 only, as ksqlDB): the first line is `{"target": "S"}`, each further
 * line a row (a JSON object keyed by column name). Each written row is acknowledged with
 * `{"status":"ok","seq":n}`; the first bad row ends the stream with ksqlDB's InsertError
 * (`{"status":"error","seq":n,"error_code","message"}`). Rows are read only as fast as the service
 * writes them, so a fast client is held back by HTTP/2 flow control, not by server memory.
 *
 * The 200 status is sent once the service pulls the first row (it has accepted the target); an
 * error before that (unknown stream) is an ordinary HTTP error answer.
 */
export async function handleInsertsStream(ctx: RestContext, exchange: HttpExchange): Promise<void> {
  if (exchange.httpVersion !== '2')
    throw new RestError(400, ErrorCode.HTTP2_ONLY, 'This endpoint is only available when using HTTP2');
  const contentType = negotiate(exchange.headers.accept, [DELIMITED, JSON_TYPE]);
  const json = contentType === JSON_TYPE;
  const lines = linesOf(exchange.body, ctx.maxRequestBytes)[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done)
    throw new RestError(
      400,
      ErrorCode.BAD_REQUEST,
      'Invalid JSON in request: missing the inserts stream arguments',
    );
  const target = stringField(parseJsonObject(first.value), 'target');

  const res = exchange.response;
  let started = false;
  let written = 0;
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, { 'content-type': contentType });
    if (json) res.write('[');
  };
  const emit = (message: object) => {
    start();
    if (responseGone(res)) return;
    const text = JSON.stringify(message);
    res.write(json ? `${written++ === 0 ? '' : ','}${text}` : `${text}\n`);
  };
  let seq = 0;
  let acked = 0;
  let badRow: { seq: number; message: string } | undefined;

  async function* rows(): AsyncGenerator<Readonly<Record<string, unknown>>> {
    for (;;) {
      start(); // the service asks for a row: it has accepted the target
      const next = await lines.next();
      if (next.done) return;
      let row: unknown;
      try {
        row = JSON.parse(next.value);
      } catch {
        // Not hidden: reported to the client as ksqlDB does, and the stream ends here.
        badRow = { seq, message: 'Invalid JSON in inserts stream' };
        return;
      }
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        badRow = { seq, message: 'Invalid JSON in inserts stream: a row must be a JSON object' };
        return;
      }
      seq++;
      yield row as Record<string, unknown>;
    }
  }

  try {
    await ctx.service.insertRows(target, rows(), (n) => {
      acked = n + 1;
      emit({ status: 'ok', seq: n });
    });
  } catch (err) {
    if (!started) throw err;
    const e = restErrorOf(err, ctx.log, 'inserts stream');
    emit({
      '@type': 'generic_error',
      error_code: e.errorCode,
      message: e.message,
      status: 'error',
      seq: acked,
    });
    return finish();
  }
  if (badRow)
    emit({
      '@type': 'generic_error',
      error_code: ErrorCode.BAD_REQUEST,
      message: badRow.message,
      status: 'error',
      seq: badRow.seq,
    });
  finish();

  function finish() {
    start();
    if (!responseGone(res)) res.end(json ? ']' : '');
  }
}

/** Newline-delimited lines of a body (blank lines skipped); a line over `maxLine` characters → 413. */
async function* linesOf(body: Readable, maxLine: number): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.write(chunk as Buffer);
    for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
      const line = pending.slice(0, i);
      pending = pending.slice(i + 1);
      if (line.length > maxLine) throw tooLarge(maxLine);
      if (line.trim() !== '') yield line;
    }
    if (pending.length > maxLine) throw tooLarge(maxLine);
  }
  pending += decoder.end();
  if (pending.length > maxLine) throw tooLarge(maxLine);
  if (pending.trim() !== '') yield pending;
}
