import type { Browser } from 'playwright-core';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { openPage, sharedBrowser, type PageOptions, type WatchedPage } from './browser.js';
import { startServer, type E2eServer } from './server.js';

export interface BrowserFixture {
  /** A fresh server (database, mail) for the running test. */
  readonly server: E2eServer;
  /** A watched page on that server in a context of its own, closed after the test. */
  open(options?: PageOptions): Promise<WatchedPage>;
}

/** The worker's Chromium, a fresh server per test: registers the hooks of the calling suite. */
export function browserFixture(): BrowserFixture {
  let browser: Browser;
  let server: E2eServer | undefined;
  const pages: WatchedPage[] = [];
  beforeAll(async () => {
    browser = await sharedBrowser();
  });
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((watched) => watched.context.close()));
    await server?.close();
    server = undefined;
  });
  const running = (): E2eServer => {
    if (!server) throw new Error('the browser fixture has a server only while a test runs');
    return server;
  };
  return {
    get server() {
      return running();
    },
    open: async (options) => {
      const watched = await openPage(browser, running().url, options);
      pages.push(watched);
      return watched;
    },
  };
}
