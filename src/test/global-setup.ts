import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPglite, openPostgres } from '../db/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresTemplate: string | undefined;
    pgliteImage: string;
  }
}

/** Migrates PGlite once per run; every test database starts from a copy of this image. */
async function preparePgliteImage(): Promise<string> {
  const database = await openPglite(new PGlite());
  await database.migrate();
  const client = (database.db as unknown as { $client: PGlite }).$client;
  const image = await client.dumpDataDir('none');
  await database.close();
  const file = path.join(tmpdir(), `helpline-pglite-${process.pid}.tar`);
  await writeFile(file, Buffer.from(await image.arrayBuffer()));
  return file;
}

/** Prepares migrated templates: a PGlite image, and a database on the PostgreSQL server if there is one. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const image = await preparePgliteImage();
  project.provide('pgliteImage', image);
  const removeImage = () => rm(image, { force: true });
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    console.log('TEST_DATABASE_URL is not set: PostgreSQL-server suites are skipped, PGlite suites run.');
    project.provide('postgresTemplate', undefined);
    return removeImage;
  }
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
  project.provide('postgresTemplate', template);
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
    await removeImage();
  };
}
