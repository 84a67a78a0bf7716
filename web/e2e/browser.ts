import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/**
 * The README's screenshots are retaken only on request (`UPDATE_SCREENSHOTS=1 npm test`), so
 * a test run leaves the work tree as it found it; otherwise they go to a scratch folder.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : path.join(tmpdir(), 'helpline-screenshots/');

/** Runs the suite in Chromium, or lists it as skipped with the reason when there is none. */
export function describeInBrowser(name: string, suite: () => void, buildError: string | undefined): void {
  if (!existsSync(CHROMIUM)) {
    describe.skip(`${name} (skipped: ${CHROMIUM} not found; apt-get install chromium)`, suite);
    return;
  }
  if (buildError) {
    describe.skip(`${name} (skipped: the web app did not build: ${buildError})`, suite);
    return;
  }
  // A browser test walks several pages on a shared 2-core machine: give it room.
  describe(name, { timeout: 120_000 }, suite);
}

let running: Promise<Browser> | undefined;

/**
 * One Chromium per test worker, launched on first use: a worker runs file after file in one
 * module graph (vitest.config.ts), and launching and closing a browser for each file was a
 * second of it. Tests share no state through it: each gets a context of its own, with its own
 * cookies, storage and cache. Playwright closes it when the worker exits.
 */
export function sharedBrowser(): Promise<Browser> {
  const launch = () => chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  // Chained on the last answer, so callers asking together share one launch; a lost or failed browser is replaced.
  running = (running ?? launch()).then((browser) => (browser.isConnected() ? browser : launch()), launch);
  return running;
}

/**
 * A page whose problems are kept: uncaught errors, console errors (CSP violations show up
 * there) and HTTP failures, so each test can assert the app ran clean.
 */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  problems: string[];
  /** HTTP answers ≥ 400 the test expects (e.g. "403 PATCH /api/tickets/…"), removed from problems. */
  allow: (pattern: RegExp) => void;
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** The browser's time zone (IANA), for what depends on the person's calendar. */
  timezoneId?: string;
}

export async function openPage(
  browser: Browser,
  baseURL: string,
  options: PageOptions = {},
): Promise<WatchedPage> {
  const viewport = options.viewport ?? { width: 1280, height: 860 };
  const context = await browser.newContext({ baseURL, viewport, acceptDownloads: true, ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}) });
  const page = await context.newPage();
  const problems: string[] = [];
  const allowed: RegExp[] = [];
  const isAllowed = (text: string) => allowed.some((pattern) => pattern.test(text));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every failed HTTP answer too; those are judged from the response below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response: Response) => {
    if (response.status() < 400) return;
    const line = `${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`;
    if (!isAllowed(line)) problems.push(`http: ${line}`);
  });
  return { page, context, problems, allow: (pattern) => allowed.push(pattern) };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
}
