import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources, so a change in one module is
// seen by the tests of the modules that depend on it without a rebuild. Child processes that the
// tests spawn run the built `dist/` output instead (the test command builds first).
const modulesDir = resolve(import.meta.dirname, 'modules');
const alias: Record<string, string> = {};
for (const dir of readdirSync(modulesDir)) {
  const pkgFile = join(modulesDir, dir, 'package.json');
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name: string };
  alias[pkg.name] = join(modulesDir, dir, 'src', 'index.ts');
}

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['modules/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start servers on free ports; files run in parallel across the 2 cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
