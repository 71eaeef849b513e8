import { type HttpResponseLike, responseGone, writable } from './http-exchange.js';

export type PumpOutcome = 'ended' | 'client-gone';

/**
 * Writes a query's rows to a response with backpressure: the next row is only pulled from the
 * iterator once the connection took the previous one (write() true, or 'drain'), so a client
 * that stops reading stops the query's consumption instead of growing the server's memory.
 * When the client goes away (the response closes before it finished), `onClientGone` runs at
 * once — it must make the iterator end (the query handle's close()).
 */
export async function pumpRows(
  response: HttpResponseLike,
  rows: AsyncIterable<readonly unknown[]>,
  encode: (row: readonly unknown[]) => string,
  onClientGone: () => void,
): Promise<PumpOutcome> {
  let gone = responseGone(response);
  // 'close' before this side ended the response: the client went away. (Not writableFinished:
  // the HTTP/2 compatibility response reports finished once its stream closed, for any reason.)
  const onClose = () => {
    if (!response.writableEnded && !gone) {
      gone = true;
      onClientGone();
    }
  };
  response.on('close', onClose);
  if (gone) onClientGone();
  const iterator = rows[Symbol.asyncIterator]();
  let done = false;
  try {
    while (!gone) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        return 'ended';
      }
      if (gone) break;
      if (!response.write(encode(next.value))) await writable(response);
    }
    return 'client-gone';
  } finally {
    response.off('close', onClose);
    // Lets a generator run its cleanup; an iterator that already ended needs nothing.
    if (!done) await iterator.return?.();
  }
}
