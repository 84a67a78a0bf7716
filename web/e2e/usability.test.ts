import type { Page } from 'playwright-core';
import { expect, inject, it } from 'vitest';
import { describeInBrowser } from './browser.js';
import { expectClean, openTicket, signIn } from './flows.js';
import { browserFixture } from './fixture.js';

const PHONE = { width: 390, height: 844 };

/** Nothing wider than the screen: no sideways scrolling at phone width. */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describeInBrowser(
  'usability in the browser',
  () => {
    const fixture = browserFixture();

    it('opens the notification panel inside a phone screen', async () => {
      const watched = await fixture.open({ viewport: PHONE });
      await signIn(watched.page, await fixture.server.createUser('agent', 'Pia Phone'));
      await watched.page.getByRole('button', { name: /^Notifications/ }).click();
      const panel = watched.page.getByRole('region', { name: 'Notifications' });
      await panel.waitFor();
      const box = await panel.boundingBox();
      expect(box?.x).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? Infinity)).toBeLessThanOrEqual(PHONE.width);
      expect(await overflow(watched.page)).toBeLessThanOrEqual(0);
      expectClean(watched.problems);
    });

    it('registers with the keyboard alone, shows the API errors beside the fields, and fits a phone', async () => {
      const watched = await fixture.open({ viewport: PHONE });
      const { page } = watched;
      // The API's 400 for a short password is expected: it is what the form shows.
      watched.allow(/^400 POST \/api\/auth\/register$/);

      // A deep link while signed out leads to sign-in, which offers registration.
      await page.goto('/tickets/new');
      await page.waitForURL('**/login?next=%2Ftickets%2Fnew');
      await page.getByRole('link', { name: 'Create an account' }).click();

      // Keyboard only: type, Tab to the next field, Enter submits.
      await page.getByLabel('Name').focus();
      await page.keyboard.type('Kim Keyboard');
      await page.keyboard.press('Tab');
      await page.keyboard.type('kim@example.test');
      await page.keyboard.press('Tab');
      await page.keyboard.type('short');
      await page.keyboard.press('Enter');
      // The field is marked invalid and described by the API's own detail for it, shown right under it.
      const password = page.getByLabel('Password');
      await expect.poll(() => password.getAttribute('aria-invalid')).toBe('true');
      const errorId = await password.getAttribute('aria-describedby');
      const fieldError = page.locator(`[id="${errorId ?? 'none'}"]`);
      await expect(fieldError.textContent()).resolves.toMatch(/^Password .*at least 8 characters/);
      await expect(page.locator('.field', { has: password }).locator('.field-error').count()).resolves.toBe(1);
      // …and nowhere else: the other fields are fine and the form has no message of its own.
      await expect(page.getByLabel('Name').getAttribute('aria-invalid')).resolves.toBeNull();
      await expect(page.locator('.form-error').count()).resolves.toBe(0);

      await page.getByLabel('Password').fill('a long enough password');
      await page.keyboard.press('Enter');
      await page.waitForURL('**/tickets');
      await page.getByText('You have no tickets yet').waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);

      await openTicket(page, 'A subject long enough to wrap on a phone screen, surely', 'Line one\nLine two, with a very-long-unbroken-word-that-must-wrap-somewhere-anyway');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      // Line breaks of the text are kept.
      await expect(page.locator('.message-body').first().innerText()).resolves.toContain('Line one\nLine two');

      // The menu folds away on a phone and opens from its button.
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.isVisible()).resolves.toBe(false);
      await page.getByRole('button', { name: 'Menu' }).click();
      await nav.getByRole('link', { name: 'My tickets' }).click();
      await page.getByRole('link', { name: /A subject long enough/ }).waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);

      // Signing out ends the session for good: a reload stays signed out.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/login');
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();

      expectClean(watched.problems);
    });
  },
  inject('webBuildError'),
);
