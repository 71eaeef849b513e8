// Bundles the dashboard (web/src) into dist/web: index.html, app.js, app.css — what `meterstream
// serve` serves. Run by `npm run build` (after the type check of web/tsconfig.json); no CDN, so the
// page works offline.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '../dist/web');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: join(here, 'src/main.ts') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outdir: out,
  logLevel: 'warning',
  legalComments: 'none',
});
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
