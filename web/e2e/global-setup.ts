import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { CHROMIUM } from './browser.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the web app could not be built for the browser tests; undefined when it is ready. */
    webBuildError: string | undefined;
  }
}

const WEB = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(WEB, 'dist');

async function newestSourceTime(): Promise<number> {
  const files = [path.join(WEB, 'index.html'), path.join(WEB, 'vite.config.ts')];
  for (const entry of await readdir(path.join(WEB, 'src'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.push(path.join(entry.parentPath, entry.name));
  }
  const times = await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs));
  return Math.max(...times);
}

async function isStale(): Promise<boolean> {
  const index = path.join(DIST, 'index.html');
  if (!existsSync(index)) return true;
  return (await newestSourceTime()) > (await stat(index)).mtimeMs;
}

/** Builds into a private folder and swaps it in, so a concurrent run never sees half a build. */
async function buildWeb(): Promise<void> {
  const { build } = await import('vite');
  const out = path.join(WEB, `.dist-${process.pid}`);
  // Vitest runs with NODE_ENV=test, which would bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(WEB, 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  await rm(DIST, { recursive: true, force: true });
  try {
    await rename(out, DIST);
  } catch {
    // Another run swapped its build in first; theirs is as good as ours.
    await rm(out, { recursive: true, force: true });
  }
}

/**
 * The browser tests serve web/dist; (re)build it when the sources are newer. It never fails
 * the run: other suites don't need the web app, and the browser suite reports the reason.
 */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('webBuildError', undefined);
  if (!existsSync(CHROMIUM)) return;
  try {
    if (await isStale()) await buildWeb();
  } catch (error) {
    project.provide('webBuildError', error instanceof Error ? error.message : String(error));
  }
}
