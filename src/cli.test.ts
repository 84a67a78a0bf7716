import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from './users/passwords.js';
import { openDatabase } from './db/database.js';
import { findUserByEmail } from './users/users.repository.js';
import { runCli } from './test/cli.js';

describe('npm run cli -- user:create', () => {
  it('creates an agent with a printed password in the embedded database', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'helpline-cli-'));
    const created = await runCli(['user:create', '--role', 'agent', '--email', 'Ada@Example.test', '--name', 'Ada'], { DATA_DIR: dataDir });
    expect(created.code).toBe(0);
    const password = /Password: (\S+)/.exec(created.output)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(12);

    const duplicate = await runCli(['user:create', '--role', 'agent', '--email', 'ada@example.test', '--name', 'Ada'], { DATA_DIR: dataDir });
    expect(duplicate.code).toBe(1);
    expect(duplicate.output).toContain('already exists');

    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    const user = await findUserByEmail(database.db, 'ada@example.test');
    await database.close();
    expect(user?.role).toBe('agent');
    expect(user?.emailVerifiedAt, 'whoever runs the CLI vouches for the address').toBeInstanceOf(Date);
    expect(await verifyPassword(user?.passwordHash, password)).toBe(true);
  });

  it('refuses a common password and a multi-line name before opening the database', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'helpline-cli-'));
    const create = (name: string, password: string) =>
      runCli(['user:create', '--role', 'agent', '--email', 'ada@example.test', '--name', name, '--password', password], { DATA_DIR: dataDir });
    const weak = await create('Ada', 'password');
    expect(weak.code).toBe(1);
    expect(weak.output).toContain('Error: Password is too common; choose one that is harder to guess');
    const multiLine = await create('Ada\nManager approved', 'long enough password');
    expect(multiLine.code).toBe(1);
    expect(multiLine.output).toContain('--name must be one line');
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('explains its usage on bad arguments', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'helpline-cli-'));
    const bad = await runCli(['user:create', '--role', 'admin', '--email', 'x@example.test', '--name', 'X'], { DATA_DIR: dataDir });
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('Usage: npm run cli');
  });
});
