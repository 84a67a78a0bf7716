import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildOptions } from '../app.js';
import type { Config } from '../config.js';
import { createAppContext } from '../compose.js';
import type { AppContext } from '../context.js';
import { TestClock } from './clock.js';
import { testConfig } from './config.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  database: TestDatabase;
  clock: TestClock;
  /** Sends a request through the whole HTTP stack (routing, validation, serialization). */
  request(options: TestRequest): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestRequest {
  method: InjectOptions['method'];
  url: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A fresh database and app for one test; close it in afterEach. `database` stands in for the fresh one (e.g. with a query log). */
export async function createTestApp(
  kind: DatabaseKind,
  config: Partial<Config> = {},
  options: { database?: TestDatabase; build?: BuildOptions } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase(kind));
  const clock = new TestClock();
  const ctx = createAppContext({ config: testConfig(config), database, now: clock.now });
  const app = await buildApp(ctx, options.build);
  await app.ready();
  return {
    app,
    ctx,
    database,
    clock,
    request: ({ method, url, token, body, headers = {} }) =>
      app.inject({
        method,
        url,
        headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
      }),
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
