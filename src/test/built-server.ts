import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.join(import.meta.dirname, '..', '..');

/**
 * The server as `npm start` runs it, transpiled to dist/ once per test run (global-setup), so
 * the suites that start it as a process test what users run and skip tsx's second of start-up.
 */
export const builtEntry = (name: 'main' | 'cli'): string => path.join(root, 'dist', `${name}.js`);

export async function buildServer(): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--server-only'], { cwd: root });
}
