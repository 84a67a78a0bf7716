import 'dotenv/config';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Value } from '@sinclair/typebox/value';
import { ConfigError, loadConfig } from './config.js';
import { keepDataDirPrivate } from './data-dir.js';
import { migratedEmbeddedTemplate, openDatabase } from './db/database.js';
import { ROLES, type Role } from './authz/permissions.js';
import { hashPassword } from './users/passwords.js';
import { assertPasswordHardToGuess } from './users/password-strength.js';
import { isEmailAddress } from './email-address.js';
import { insertUser } from './users/users.repository.js';
import { recordAudit } from './audit/audit.repository.js';
import { DomainError } from './http/errors.js';
import { PersonName } from './http/schemas.js';
import { openApiDocument } from './openapi-document.js';

const USAGE = `Usage: npm run cli -- user:create --role <customer|agent|manager> --email <email> --name <name> [--password <password>]
       npm run cli -- db:template   (prepares the embedded database's template; npm run build does it)
       npm run cli -- openapi [file]   (writes the API's OpenAPI document, to stdout without a file)
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
      const row = await insertUser(tx, { email, name, role, passwordHash });
      await recordAudit(tx, { actorId: null, action: 'user.created', targetType: 'user', targetId: row.id, details: { email: row.email, role, via: 'cli' } }, new Date());
      return row;
    });
    console.log(`Created ${user.role} ${user.email} (id ${user.id})`);
    if (values.password === undefined) console.log(`Password: ${password}`);
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

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
    if (command === 'openapi') {
      const text = `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
      if (rest[0]) await writeFile(rest[0], text);
      else process.stdout.write(text);
      return 0;
    }
    throw new UsageError();
  } catch (error) {
    if (error instanceof UsageError) console.error(USAGE);
    else if (error instanceof ConfigError || error instanceof DomainError) console.error(`Error: ${error.message}`);
    else if (error instanceof Error) console.error(`Error: ${error.message}`);
    return 1;
  }
}

process.exitCode = await run(process.argv.slice(2));
