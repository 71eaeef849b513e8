/**
 * The import-graph check (`npm run lint:imports`, part of `npm run lint`; see CONTRIBUTING.md).
 *
 * Two kinds of rules:
 *
 * 1. Modules depend in one direction (ARCHITECTURE.md, the README's module table). MAY_IMPORT lists,
 *    for each workspace under modules/, the other workspaces its src/ may import; anything else is
 *    an error. Tests, bench/ and scripts/ are not held to it (tests start the servers they talk to).
 *    A new module must be added to the table: the check refuses a module it does not know.
 *    A module's src/ reaches other modules through their package name (`@meterstream/x`), never
 *    through a relative path into another module's folder, and never imports test code.
 *
 * 2. No import cycle spanning more than a few files: scripts/lint/import-graph.ts checks it on the
 *    graph this configuration produces (dependency-cruiser's own `circular` rule cannot bound a
 *    cycle's length); the threshold and why it is 3 are explained there.
 */
const { readdirSync } = require('node:fs');

/** For each module, the modules its src/ may import. */
const MAY_IMPORT = {
  'dir-lock': [],
  // credentials, Basic auth, TLS options: a leaf every server and app may use
  security: [],
  common: [],
  streams: ['common', 'dir-lock'],
  broker: ['dir-lock', 'security'],
  'cql-server': ['dir-lock'],
  's3-server': ['dir-lock', 'security'],
  replay: ['common'],
  persistence: ['common'],
  datalake: ['common', 'persistence', 'security'],
  ksql: ['common', 'streams'],
  'ksql-server': ['common', 'ksql', 'security', 'streams'],
  quality: ['common', 'streams'],
  // private, for tests: may start the servers; no src/ of another module imports it (rule below)
  'test-support': ['broker', 'common', 'cql-server', 'ksql', 's3-server', 'security', 'streams'],
  // apps: every library module, and the servers only to start them
  cli: [
    'broker',
    'common',
    'cql-server',
    'datalake',
    'dir-lock',
    'ksql',
    'ksql-server',
    'persistence',
    'quality',
    'replay',
    's3-server',
    'security',
    'streams',
  ],
};

const modules = readdirSync(`${__dirname}/modules`, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const unknown = modules.filter((m) => !(m in MAY_IMPORT));
if (unknown.length > 0) {
  throw new Error(
    `.dependency-cruiser.cjs: modules/${unknown.join(', modules/')} missing from MAY_IMPORT (say what it may import)`,
  );
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const directionRules = Object.entries(MAY_IMPORT).map(([module, allowed]) => ({
  name:
    allowed.length > 0 ? `${module}-imports-only-${allowed.join('+')}` : `${module}-imports-no-other-module`,
  comment: `modules/${module}/src may import only ${allowed.length > 0 ? allowed.join(', ') : 'nothing of ours'} (ARCHITECTURE.md)`,
  severity: 'error',
  from: { path: `^modules/${escapeRegExp(module)}/src/` },
  to: {
    path: '^modules/[^/]+/',
    pathNot: `^modules/(${[module, ...allowed].map(escapeRegExp).join('|')})/`,
  },
}));

module.exports = {
  forbidden: [
    ...directionRules,
    {
      name: 'no-relative-import-across-modules',
      comment: 'modules reach each other through their package name (@meterstream/x), never a relative path',
      severity: 'error',
      from: { path: '^modules/([^/]+)/src/' },
      to: { path: '^modules/', pathNot: '^modules/$1/', dependencyTypesNot: ['aliased-tsconfig-paths'] },
    },
    {
      name: 'no-test-code-in-src',
      comment: 'src/ of a module never imports test code (test/, test-support)',
      severity: 'error',
      from: { path: '^modules/[^/]+/src/', pathNot: '^modules/test-support/' },
      to: { path: '^modules/(test-support/|[^/]+/test/)' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to no file (typo, missing dependency)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // type-only imports count: they are what tied the broker's 42 files together
    tsPreCompilationDeps: true,
    // maps @meterstream/<x> to modules/<x>/src (works before anything is built)
    tsConfig: { fileName: 'tsconfig.import-graph.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
    skipAnalysisNotInRules: true,
  },
};
