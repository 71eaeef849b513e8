import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` (web/build.mjs) puts the dashboard's bundle: dist/web of this package. */
// Three levels below the package root both as src/ (tests) and as dist/ (the built command).
export const DEFAULT_ASSETS_DIR = resolve(import.meta.dirname, '../../../dist/web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
}

/**
 * Loads the built dashboard (a flat folder of a few files) once, gzipped once, and serves `/` and
 * `/assets/<file>`. Only the files found at start are served: no path from the request ever reaches
 * the file system. When the bundle was not built, the routes answer 503 saying how to build it.
 */
export function registerStaticAssets(app: FastifyInstance, dir = DEFAULT_ASSETS_DIR): void {
  const assets = new Map<string, Asset>();
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (!type) continue;
      const body = readFileSync(join(dir, name));
      assets.set(name, { type, body, gzipped: gzipSync(body, { level: 9 }) });
    }
  }
  const send = (name: string, request: FastifyRequest, reply: FastifyReply) => {
    const asset = assets.get(name);
    if (!asset) {
      if (assets.size === 0) {
        return reply
          .code(503)
          .type('text/plain')
          .send(`dashboard assets not built in ${dir}: run npm run build`);
      }
      return reply.code(404).send({ error: 'Not Found', message: `no dashboard asset ${name}` });
    }
    reply
      .header('content-type', asset.type)
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(asset.gzipped);
    }
    return reply.send(asset.body);
  };
  app.get('/', (request, reply) => send('index.html', request, reply));
  app.get('/assets/:name', (request, reply) =>
    send((request.params as { name: string }).name, request, reply),
  );
}
