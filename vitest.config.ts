import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources, so a change in one module is
// seen by the tests of the modules that depend on it without a rebuild. Child processes that the
// tests spawn run the built `dist/` output instead (the test command builds first).
const modulesDir = resolve(import.meta.dirname, 'modules');
// Exact matches: a package's subpath exports (`@meterstream/datalake/sql` → src/sql/index.ts) are
// aliases of their own, which a prefix alias of the package name would turn into `src/index.ts/sql`.
const alias: { find: RegExp; replacement: string }[] = [];
const exactly = (name: string) => new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`);
for (const dir of readdirSync(modulesDir)) {
  const pkgFile = join(modulesDir, dir, 'package.json');
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
    name: string;
    exports?: Record<string, unknown>;
  };
  for (const subpath of Object.keys(pkg.exports ?? {})) {
    if (subpath === '.') continue;
    const name = `${pkg.name}/${subpath.slice(2)}`;
    alias.push({
      find: exactly(name),
      replacement: join(modulesDir, dir, 'src', subpath.slice(2), 'index.ts'),
    });
  }
  alias.push({ find: exactly(pkg.name), replacement: join(modulesDir, dir, 'src', 'index.ts') });
}

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['modules/*/test/**/*.test.ts', 'bench/**/test/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start servers on free ports; files run in parallel across the 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    // A passing run prints results only: what a test writes to the console is shown when it fails.
    // (Servers log through pino straight to a file descriptor, which vitest cannot hold back: tests
    // give them a silent logger instead.)
    silent: 'passed-only',
    env: {
      // The AWS SDK warns once per process on Node < 22 that its 2027 releases will need Node 22;
      // this is the SDK's own opt-out for exactly that warning, other warnings still show.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
