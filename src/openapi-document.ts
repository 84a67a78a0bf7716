import { PGlite } from '@electric-sql/pglite';
import type { OpenAPIV3 } from 'openapi-types';
import { buildApp } from './app.js';
import { createAppContext } from './compose.js';
import { loadConfig } from './config.js';
import { openPglite } from './db/database.js';

/**
 * The OpenAPI document the server serves, without a server: the web app's types and the
 * document's lint are made from it. Building the app reads no table, so an empty
 * in-memory database and a throwaway secret are enough: nothing is served.
 */
export async function openApiDocument(): Promise<OpenAPIV3.Document> {
  const config = loadConfig({ JWT_SECRET: 'document-only-secret-that-signs-nothing-0123456789', DATA_DIR: '/nonexistent' });
  const database = await openPglite(new PGlite());
  const app = await buildApp(createAppContext({ config, database, now: () => new Date() }));
  try {
    await app.ready();
    return app.swagger() as OpenAPIV3.Document;
  } finally {
    await app.close();
    await database.close();
  }
}
