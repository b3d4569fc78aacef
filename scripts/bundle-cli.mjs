// Bundles the CLI into dist/cli/bin.js (run by `npm run build`, after tsc). A cold `sluice status`
// otherwise resolves and loads about 95 modules (sluice's own, commander's and pg's CommonJS files);
// bundled, it loads a handful. The chunks sit beside bin.js, at the depth of the files tsc writes,
// so the paths they compute from `import.meta.url` (../../package.json, ../index.js) still hold.
// Heavy dependencies that only some commands need stay external and are imported lazily, as in the
// unbundled code: PGlite, the SQL parser, jiti, zod, the prompts and the progress bar.
import { readdirSync, rmSync } from 'node:fs';
import { sep } from 'node:path';
import { build } from 'rolldown';

const OUT = new URL('../dist/cli/', import.meta.url);
const PREFIX = 'bundle-';
const EXTERNAL = [
  '@electric-sql/pglite',
  'libpg-query',
  'jiti',
  'zod',
  '@clack/prompts',
  'cli-progress',
  // pg's optional native binding and its Cloudflare socket: required only when asked for.
  'pg-native',
  'pg-cloudflare',
];

// pg decides at load time whether it runs in a Cloudflare Worker; on Node 20 (no `navigator`) it
// finds out by constructing a fetch `Response`, which loads undici: the largest single cost of a
// cold `sluice status` after Node's own start (about a tenth of it). This bundle only ever runs on
// Node, so it takes Node's sockets directly. The build fails if pg's code no longer matches, rather
// than silently keep the cost.
const PG_STREAM = `${sep}node_modules${sep}pg${sep}lib${sep}stream.js`;
const CLOUDFLARE_CHECK = 'if (isCloudflareRuntime()) {';
const nodeOnlyPg = {
  name: 'sluice-node-only-pg',
  transform(code, id) {
    if (!id.endsWith(PG_STREAM)) return null;
    if (!code.includes(CLOUDFLARE_CHECK)) {
      throw new Error(`${id} no longer contains \`${CLOUDFLARE_CHECK}\`: update scripts/bundle-cli.mjs.`);
    }
    return { code: code.replace(CLOUDFLARE_CHECK, 'if (false) {'), map: null };
  },
};

// Chunks of an earlier build (their names carry content hashes) would otherwise pile up.
for (const name of readdirSync(OUT)) if (name.startsWith(PREFIX)) rmSync(new URL(name, OUT));

await build({
  input: new URL('../src/cli/bin.ts', import.meta.url).pathname,
  platform: 'node',
  tsconfig: new URL('../tsconfig.build.json', import.meta.url).pathname,
  external: (id) => EXTERNAL.some((e) => id === e || id.startsWith(`${e}/`)),
  plugins: [nodeOnlyPg],
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
