import 'dotenv/config';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Value } from '@sinclair/typebox/value';
import { loadConfig } from './config.js';
import { keepDataDirPrivate } from './data-dir.js';
import { embeddedClusterDir, migratedEmbeddedTemplate, openDatabase } from './db/database.js';
import { isFreshDataDir } from './db/embedded-template.js';
import { backupFormatOf, restoreEmbeddedBackup, restorePostgresBackup, writeEmbeddedBackup, writePostgresBackup } from './backup/backup.js';
import { ROLES, type Role } from './authz/permissions.js';
import { hashPassword } from './users/passwords.js';
import { assertPasswordHardToGuess } from './users/password-strength.js';
import { isEmailAddress } from './email-address.js';
import { insertVerifiedUser } from './users/users.repository.js';
import { recordAudit } from './audit/audit.repository.js';
import { PersonName } from './http/schemas.js';

const USAGE = `Usage: npm run cli -- user:create --role <customer|agent|manager> --email <email> --name <name> [--password <password>]
       npm run cli -- db:template   (prepares the embedded database's template; npm run build does it)
       npm run cli -- openapi [file]   (writes the API's OpenAPI document, to stdout without a file)
       npm run cli -- backup <file>   (the whole desk: PGlite's dump of DATA_DIR, or pg_dump with DATABASE_URL)
       npm run cli -- restore <file> [--yes]   (embedded: the current database is kept aside; a server needs --yes)
Without --password a strong password is generated and printed once.
With the embedded database, stop the server first: it holds the data directory.`;

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

async function createUser(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { role: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
  });
  const { role, email, name } = values;
  if (!role || !isRole(role) || !email || !isEmailAddress(email) || !name) throw new UsageError();
  if (!Value.Check(PersonName, name)) throw new Error('--name must be one line of at most 100 characters, without control characters');
  if (values.password !== undefined && values.password.length < 8) throw new Error('--password must be at least 8 characters');
  if (values.password !== undefined) assertPasswordHardToGuess(values.password, [email, name]);
  const password = values.password ?? randomBytes(12).toString('base64url');
  const config = loadConfig();
  const dataDirWarning = keepDataDirPrivate(config.dataDir);
  if (dataDirWarning) console.warn(dataDirWarning);
  const database = await openDatabase(config);
  try {
    await database.migrate();
    const passwordHash = await hashPassword(password);
    const user = await database.db.transaction(async (tx) => {
      // Whoever runs the CLI vouches for the address, as a manager does in the app.
      const now = new Date();
      const row = await insertVerifiedUser(tx, { email, name, role, passwordHash }, now);
      await recordAudit(tx, { actorId: null, action: 'user.created', targetType: 'user', targetId: row.id, details: { email: row.email, role, via: 'cli' } }, now);
      return row;
    });
    console.log(`Created ${user.role} ${user.email} (id ${user.id})`);
    if (values.password === undefined) console.log(`Password: ${password}`);
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

async function backup(args: string[]): Promise<void> {
  const [file] = args;
  if (!file || args.length > 1) throw new UsageError();
  const config = loadConfig();
  if (config.databaseUrl) {
    await writePostgresBackup(config.databaseUrl, file);
  } else {
    if (isFreshDataDir(embeddedClusterDir(config.dataDir))) throw new Error(`There is no embedded database in ${config.dataDir} to back up`);
    keepDataDirPrivate(config.dataDir);
    const database = await openDatabase(config);
    try {
      await writeEmbeddedBackup(database, file);
    } finally {
      await database.close();
    }
  }
  console.log(`Backup written to ${file}`);
}

async function restore(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: 'boolean' } } });
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new UsageError();
  const config = loadConfig();
  const format = await backupFormatOf(file);
  if (config.databaseUrl) {
    if (format !== 'postgres') throw new Error(`${file} is an embedded-database backup: unset DATABASE_URL to restore it into DATA_DIR`);
    if (!values.yes) throw new Error('Restoring replaces every Helpline table of the DATABASE_URL database: run again with --yes');
    await restorePostgresBackup(config.databaseUrl, file);
    const database = await openDatabase(config);
    await database.migrate().finally(() => database.close());
    console.log(`Restored ${file} into the PostgreSQL database`);
    return;
  }
  if (format !== 'embedded') throw new Error(`${file} is a pg_dump backup: set DATABASE_URL to the server to restore it into`);
  keepDataDirPrivate(config.dataDir);
  const replaced = await restoreEmbeddedBackup(config.dataDir, file);
  console.log(`Restored ${file} into ${config.dataDir}${replaced ? `; the database it replaced is kept in ${replaced}` : ''}`);
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'user:create') {
      await createUser(rest);
      return 0;
    }
    if (command === 'db:template') {
      console.log(`Embedded database template: ${await migratedEmbeddedTemplate()}`);
      return 0;
    }
    if (command === 'backup') {
      await backup(rest);
      return 0;
    }
    if (command === 'restore') {
      await restore(rest);
      return 0;
    }
    if (command === 'openapi') {
      // The document needs the whole app loaded; the other commands (backup, restore) start without it.
      const { openApiDocument } = await import('./openapi-document.js');
      const text = `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
      if (rest[0]) await writeFile(rest[0], text);
      else process.stdout.write(text);
      return 0;
    }
    throw new UsageError();
  } catch (error) {
    if (error instanceof UsageError) console.error(USAGE);
    else if (error instanceof Error) console.error(`Error: ${error.message}`);
    return 1;
  }
}

process.exitCode = await run(process.argv.slice(2));
