#!/usr/bin/env node
// The `meterstream` command as npm links it. It lives outside dist/ so that npm can link it on a
// fresh clone, before anything is built (npm links only files that exist); the root `prepare`
// script then builds dist/ at the end of `npm install` / `npm ci`.
const main = new URL('../dist/main.js', import.meta.url);
try {
  await import(main.href);
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(main.pathname)) {
    process.stderr.write(
      'error: meterstream is not built yet: run `npm run build` in the repository (npm install builds it)\n',
    );
    process.exit(1);
  }
  throw error;
}
