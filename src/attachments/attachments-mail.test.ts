import { asc } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mailOutbox } from '../mail/mail.schema.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk, getJson, openTicket, postMessage, type Desk } from '../tickets/tickets.test-support.js';
import { PNG_1PX, uploaded } from './attachments.test-support.js';

describeEachDatabase('attachments in mails and events', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const mails = () => t.database.db.select().from(mailOutbox).orderBy(asc(mailOutbox.id));

  it("links a reply's files in the mail, never their bytes, and never an internal note's", async () => {
    const ticket = await openTicket(t, desk.customer);
    const before = (await mails()).length;
    const secret = await uploaded(t, desk.agent, { name: 'internal-only.txt', content: 'staff eyes only' });
    await postMessage(t, desk.agent, ticket.id, { body: 'Note', internal: true, attachmentIds: [secret.id] });
    const shot = await uploaded(t, desk.agent, { name: 'steps.png', type: 'image/png', content: PNG_1PX });
    const reply = await postMessage(t, desk.agent, ticket.id, { body: 'Follow these steps', attachmentIds: [shot.id] });
    expect(reply.statusCode, reply.body).toBe(201);

    const sent = (await mails()).slice(before);
    expect(sent.map((mail) => mail.kind)).toEqual(['staff_reply']);
    const [mail] = sent;
    expect(mail?.textBody).toContain(`- steps.png (${PNG_1PX.length} bytes): http://helpline.test/tickets/${ticket.id}#attachment-${shot.id}`);
    expect(mail?.htmlBody).toContain(`href="http://helpline.test/tickets/${ticket.id}#attachment-${shot.id}"`);
    for (const body of [mail?.textBody, mail?.htmlBody]) {
      expect(body).not.toContain('internal-only');
      expect(body).not.toContain(PNG_1PX.toString('base64').slice(0, 20));
    }
  });

  it('tells the history (and so the stream) which files came with a message, internal notes only to staff', async () => {
    const ticket = await openTicket(t, desk.customer);
    const secret = await uploaded(t, desk.agent, { name: 'secret.txt', content: 'hush' });
    await postMessage(t, desk.agent, ticket.id, { body: 'Note', internal: true, attachmentIds: [secret.id] });
    const file = await uploaded(t, desk.customer, { name: 'log.txt', content: 'log' });
    await postMessage(t, desk.customer, ticket.id, { body: 'Log attached', attachmentIds: [file.id] });
    type Event = { type: string; internal: boolean; data: { attachments?: unknown } };
    const forCustomer = await getJson<{ items: Event[] }>(t, desk.customer, `/api/tickets/${ticket.id}/events`);
    expect(forCustomer.items.filter((event) => event.data.attachments).map((event) => event.data.attachments)).toEqual([[file]]);
    expect(JSON.stringify(forCustomer)).not.toContain(secret.id);
    const forAgent = await getJson<{ items: Event[] }>(t, desk.agent, `/api/tickets/${ticket.id}/events`);
    expect(forAgent.items.filter((event) => event.data.attachments).map((event) => event.data.attachments)).toEqual([[secret], [file]]);
  });
});
