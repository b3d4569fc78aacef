// Bundles the CLI into dist/cli/bin.js (run by `npm run build`, after tsc). A cold `sluice status`
// otherwise resolves and loads about 95 modules (sluice's own, commander's and pg's CommonJS files);
// bundled, it loads a handful. The chunks sit beside bin.js, at the depth of the files tsc writes,
// so the paths they compute from `import.meta.url` (../../package.json, ../index.js) still hold.
// Heavy dependencies that only some commands need stay external and are imported lazily, as in the
// unbundled code: PGlite, the SQL parser, jiti, zod, mysql2, the prompts and the progress bar.
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'rolldown';

const OUT = new URL('../dist/cli/', import.meta.url);
const PREFIX = 'bundle-';
const EXTERNAL = [
  '@electric-sql/pglite',
  'libpg-query',
  'jiti',
  'zod',
  'mysql2',
  '@clack/prompts',
  'cli-progress',
  // pg's optional native binding and its Cloudflare socket: required only when asked for.
  'pg-native',
  'pg-cloudflare',
];

// Chunks of an earlier build (their names carry content hashes) would otherwise pile up.
for (const name of readdirSync(OUT)) if (name.startsWith(PREFIX)) rmSync(new URL(name, OUT));

await build({
  input: new URL('../src/cli/bin.ts', import.meta.url).pathname,
  platform: 'node',
  tsconfig: new URL('../tsconfig.build.json', import.meta.url).pathname,
  external: (id) => EXTERNAL.some((e) => id === e || id.startsWith(`${e}/`)),
  logLevel: 'warn',
  // Modules that are imported both ways (statically on one path, lazily on another) stay where they
  // are, as they do unbundled: nothing to warn about.
  checks: { ineffectiveDynamicImport: false },
  output: {
    dir: OUT.pathname,
    format: 'esm',
    entryFileNames: 'bin.js',
    chunkFileNames: `${PREFIX}[name]-[hash].js`,
  },
});
