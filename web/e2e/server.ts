import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { hashPassword } from '../../src/users/passwords.js';
import { createAppContext } from '../../src/compose.js';
import type { AppContext } from '../../src/context.js';
import { startMailWorker, type MailWorker } from '../../src/mail/mail-worker.js';
import { testConfig } from '../../src/test/config.js';
import { freePort } from '../../src/test/free-port.js';
import { createTestDatabase, type TestDatabase } from '../../src/test/databases.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../src/test/smtp.js';
import { insertVerifiedUser } from '../../src/users/users.repository.js';

export const PASSWORD = 'correct horse battery';

export interface Person {
  id: string;
  email: string;
  name: string;
  password: string;
}

/** The whole server on a real port: fresh PGlite database, real SMTP server, mail worker. */
export interface E2eServer {
  url: string;
  app: FastifyInstance;
  ctx: AppContext;
  smtp: TestSmtpServer;
  /** Staff accounts are made by managers in real life; here straight in the database. */
  createUser: (role: 'agent' | 'manager' | 'customer', name: string) => Promise<Person>;
  close: () => Promise<void>;
}

let counter = 0;

export async function startServer(): Promise<E2eServer> {
  const database: TestDatabase = await createTestDatabase('pglite');
  const smtp = await startTestSmtpServer();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Links in mail point at this very server.
  const config = testConfig({ smtp: smtp.smtp, port, publicUrl: url });
  const ctx = createAppContext({ config, database, now: () => new Date() });
  const app = await buildApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  const mail: MailWorker = await startMailWorker(ctx, { pollIntervalMs: 200 });
  const passwordHash = await hashPassword(PASSWORD);

  return {
    url,
    app,
    ctx,
    smtp,
    createUser: async (role, name) => {
      const email = `${role}-${++counter}-${Date.now()}@example.test`;
      const user = await insertVerifiedUser(database.db, { email, name, role, passwordHash }, new Date());
      return { id: user.id, email, name, password: PASSWORD };
    },
    close: async () => {
      await mail.stop();
      await app.close();
      await smtp.stop();
      await database.close();
    },
  };
}
