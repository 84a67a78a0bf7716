import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migratedEmbeddedTemplate, openPostgres } from '../db/database.js';
import { buildServer } from './built-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresTemplate: string | undefined;
    pgliteImage: string;
  }
}

/** A migrated database on the PostgreSQL server every test database is copied from; drops them all. */
async function postgresTemplate(url: string): Promise<{ template: string; drop: () => Promise<void> }> {
  const template = `helpline_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${template}`;
  const database = await openPostgres(templateUrl.toString(), 1);
  await database.migrate();
  await database.close();
  const drop = async () => {
    // The databases the test files were lent, copied from the template and named after it.
    const copies = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [`${template}_`]);
    for (const { datname } of copies.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
  return { template, drop };
}

/**
 * Prepares migrated templates (a PGlite image, and a database on the PostgreSQL server if
 * there is one) and the built server that suites start as a process, all at once.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  const [image, server, build] = await Promise.allSettled([migratedEmbeddedTemplate(), url ? postgresTemplate(url) : undefined, buildServer()]);
  if (image.status === 'rejected' || server.status === 'rejected' || build.status === 'rejected') {
    // No run follows: the server's template goes too.
    if (server.status === 'fulfilled') await server.value?.drop();
    throw [image, server, build].find((step): step is PromiseRejectedResult => step.status === 'rejected')?.reason;
  }
  const [pgliteImage, postgres] = [image.value, server.value];
  project.provide('pgliteImage', pgliteImage);
  project.provide('postgresTemplate', postgres?.template);
  if (!postgres) {
    console.log('TEST_DATABASE_URL is not set: PostgreSQL-server suites are skipped, PGlite suites run.');
    return async () => undefined;
  }
  return postgres.drop;
}
