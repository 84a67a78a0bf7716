import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk, getJson, openTicket, type Desk, type TicketJson } from './tickets.test-support.js';

describeEachDatabase('queue filter by creation date', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const openAt = async (iso: string, subject: string, who = desk.customer) => {
    t.clock.set(new Date(iso));
    return openTicket(t, who, { subject });
  };
  const numbers = async (query: string, who = desk.agent) =>
    (await getJson<{ items: TicketJson[] }>(t, who, `/api/tickets?${query}`)).items.map((ticket) => ticket.number);

  it('combines createdFrom (inclusive) and createdTo (exclusive) with search and the other filters', async () => {
    const march = await openAt('2024-03-01T00:00:00Z', 'Printer jams');
    const april = await openAt('2024-04-01T00:00:00Z', 'Printer smokes');
    const aprilOther = await openAt('2024-04-02T00:00:00Z', 'Printer again', desk.otherCustomer);
    const may = await openAt('2024-05-01T00:00:00Z', 'Printer gone');
    const from = encodeURIComponent('2024-04-01T00:00:00Z');
    const to = encodeURIComponent('2024-05-01T00:00:00+00:00');
    expect(await numbers(`createdFrom=${from}&createdTo=${to}`)).toEqual([aprilOther.number, april.number]);
    expect(await numbers(`createdFrom=${from}&q=prin`)).toEqual([may.number, aprilOther.number, april.number]);
    expect(await numbers(`createdTo=${from}&q=printer`)).toEqual([march.number]);
    expect(await numbers(`createdFrom=${from}&createdTo=${to}&requesterId=${desk.customer.user.id}`)).toEqual([april.number]);
    // A customer's range narrows their own tickets only.
    expect(await numbers(`createdFrom=${from}`, desk.customer)).toEqual([may.number, april.number]);
  });

  it('refuses a malformed or empty range with a 400 naming the field', async () => {
    const bad = await t.request({ method: 'GET', url: '/api/tickets?createdFrom=yesterday', token: desk.agent.accessToken });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { details: [{ path: 'createdFrom' }] } });
    // Shaped like a date-time, yet no instant PostgreSQL takes: year 0, a leap second.
    for (const [field, value] of [['createdFrom', '0000-01-01T00:00:00Z'], ['createdTo', '2024-01-01T23:59:60Z']]) {
      const impossible = await t.request({ method: 'GET', url: `/api/tickets?${field}=${value}`, token: desk.agent.accessToken });
      expect(impossible.statusCode, impossible.body).toBe(400);
      expect(impossible.json()).toMatchObject({ error: { code: 'invalid_range', details: [{ path: field }] } });
    }
    const empty = await t.request({
      method: 'GET',
      url: '/api/tickets?createdFrom=2024-04-01T00:00:00Z&createdTo=2024-04-01T00:00:00Z',
      token: desk.agent.accessToken,
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: { code: 'invalid_range', details: [{ path: 'createdTo' }] } });
  });

  it('keeps the range in saved views and counts through it; an empty range is refused when saved', async () => {
    await openAt('2024-03-01T00:00:00Z', 'Old');
    await openAt('2024-04-01T00:00:00Z', 'New');
    const created = await t.request({
      method: 'POST',
      url: '/api/views',
      token: desk.agent.accessToken,
      body: { name: 'Since April', filters: { createdFrom: '2024-04-01T00:00:00Z' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const views = await getJson<{ items: { name: string; count: number; filters: Record<string, unknown> }[] }>(t, desk.agent, '/api/views');
    expect(views.items.find((view) => view.name === 'Since April')).toMatchObject({ count: 1, filters: { createdFrom: '2024-04-01T00:00:00Z' } });
    const empty = await t.request({
      method: 'POST',
      url: '/api/views',
      token: desk.agent.accessToken,
      body: { name: 'Nothing', filters: { createdFrom: '2024-04-01T00:00:00Z', createdTo: '2024-03-01T00:00:00Z' } },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: { code: 'invalid_range' } });
  });
});
