import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { E2eServer, Person } from './server.js';

/** What a person does in the UI, step by step, as the tests describe it. */

export async function signIn(page: Page, person: Pick<Person, 'email' | 'password'>): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

export async function register(page: Page, person: { name: string; email: string; password: string }): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/tickets');
}

/**
 * Follows the link of the verification mail sent to `email` in `page`: until then the desk
 * mails that address nothing else. Returns the link.
 */
export async function confirmAddress(page: Page, server: E2eServer, email: string): Promise<string> {
  const linkIn = () => {
    const mail = server.smtp.messages.find((message) => message.to.includes(email) && message.text.includes('/verify-email?token='));
    return /(http:\/\/\S+\/verify-email\?token=[\w%-]+)/.exec(mail?.text ?? '')?.[1];
  };
  await expect.poll(linkIn, { timeout: 15_000 }).toMatch(new RegExp(`^${server.url}/verify-email\\?token=`));
  const link = linkIn() ?? '';
  await page.goto(link);
  await page.getByText('Your email address is confirmed').waitFor();
  return link;
}

/** Opens a ticket from the customer portal; returns its id (from the page it lands on). */
export async function openTicket(page: Page, subject: string, description: string): Promise<string> {
  await page.goto('/tickets/new');
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('What happened?').fill(description);
  await page.getByRole('button', { name: 'Open ticket' }).click();
  await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
  const id = new URL(page.url()).pathname.split('/').pop() ?? '';
  await page.getByRole('heading', { level: 1, name: subject }).waitFor();
  return id;
}

export async function reply(page: Page, text: string, options: { internal?: boolean } = {}): Promise<void> {
  const noteSwitch = page.getByLabel('Internal note (staff only)');
  if (options.internal) await noteSwitch.check();
  else if (await noteSwitch.count()) await noteSwitch.uncheck();
  await page.getByRole('textbox', { name: options.internal ? 'Internal note' : 'Your reply' }).fill(text);
  await page.getByRole('button', { name: options.internal ? 'Add note' : 'Send reply' }).click();
  await page.locator('.conversation .message-body', { hasText: text }).waitFor();
}

export function expectClean(problems: string[]): void {
  expect(problems, 'the page logged errors or got unexpected HTTP failures').toEqual([]);
}
