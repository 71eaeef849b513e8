import type { Socket } from 'node:net';

/** The HTTP/2 connection preface a prior-knowledge (h2c) client sends first (RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * Reads a new connection's first bytes and hands the socket, bytes put back, to the HTTP/2 server
 * when they are the HTTP/2 preface, else to the HTTP/1.1 server — what ksqlDB's Vert.x server does
 * on its one port. Node's Http2Session takes bytes already buffered in the socket, so nothing is
 * lost in the hand-over.
 */
export function sniffProtocol(socket: Socket, onDecided: (socket: Socket, http2: boolean) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, H2_PREFACE.length);
    if (!seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) decide(false);
    else if (seen.length >= H2_PREFACE.length) decide(true);
  };
  const onEnd = () => {
    socket.off('data', onData);
    socket.destroy();
  };
  const decide = (http2: boolean) => {
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.pause();
    socket.unshift(seen);
    onDecided(socket, http2);
  };
  socket.on('data', onData);
  socket.once('end', onEnd);
}
