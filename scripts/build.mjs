/**
 * `npm run build`, which `npm start` runs first. The server is transpiled file by file with
 * esbuild in about a second: checking its types is `npm run typecheck`'s work (and CI's), not
 * every start's; tsc took 15 s of a first start. Then the web app and the embedded database's
 * template are made side by side: the template is initdb in WebAssembly on one core, vite the other.
 *
 * `--server-only` stops after the server: the tests run the built server and CLI as their own
 * processes, which start about a second sooner than through tsx.
 */
import { spawn } from 'node:child_process';
import process from 'node:process';
import { readdir } from 'node:fs/promises';
import { build } from 'esbuild';
import { build as buildWeb } from 'vite';

/** What only tests import. */
const TEST_ONLY = /\.test(-support)?\.ts$|^(test|security)\//;

const sources = (await readdir('src', { recursive: true }))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !TEST_ONLY.test(file))
  .map((file) => `src/${file}`);
await build({
  entryPoints: sources,
  outdir: 'dist',
  outbase: 'src',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
if (process.argv.includes('--server-only')) process.exit(0);

/** Runs a command in its own process, failing the build with its exit code. */
const run = (command, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });

await Promise.all([
  buildWeb({ configFile: 'web/vite.config.ts', mode: 'production', logLevel: 'warn' }),
  run(process.execPath, ['dist/cli.js', 'db:template']),
]);
