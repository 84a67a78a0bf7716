import { expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeInBrowser } from './browser.js';
import { expectClean, register, signIn } from './flows.js';
import { browserFixture } from './fixture.js';

/** A 1×1 PNG, as a screenshot in the clipboard would be. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Pastes an image into the focused form, the way a browser delivers a screenshot from the clipboard. */
async function pasteImage(page: Page, selector: string): Promise<void> {
  await page.locator(selector).evaluate((target, base64) => {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, PNG_BASE64);
}

describeInBrowser(
  'attachments in the browser',
  () => {
    const fixture = browserFixture();

    it('attaches a file to a new ticket and pastes a screenshot into a reply, which the agent sees live, at phone width', async () => {
      const agent = await fixture.server.createUser('agent', 'Ada Agent');
      const customer = await fixture.open({ viewport: { width: 390, height: 844 } });
      await register(customer.page, { name: 'Cora Customer', email: 'cora@example.test', password: 'cora-password' });

      await customer.page.goto('/tickets/new');
      await customer.page.getByLabel('Subject').fill('Export fails');
      await customer.page.getByLabel('What happened?').fill('The export stops half-way, log attached.');
      await customer.page.getByLabel('Attach files').setInputFiles({ name: 'export.log', mimeType: 'text/plain', buffer: Buffer.from('ERROR at row 512\n') });
      await customer.page.getByRole('button', { name: 'Remove export.log' }).waitFor();
      // A second file, removed again before sending.
      await customer.page.getByLabel('Attach files').setInputFiles({ name: 'wrong.txt', mimeType: 'text/plain', buffer: Buffer.from('not this one') });
      await customer.page.getByRole('button', { name: 'Remove wrong.txt' }).click();
      await customer.page.getByRole('button', { name: 'Open ticket' }).click();
      await customer.page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
      const ticketId = new URL(customer.page.url()).pathname.split('/').pop() ?? '';
      await customer.page.locator('.attachments .file-name', { hasText: 'export.log' }).waitFor();
      await expect(customer.page.locator('.attachments .file-name', { hasText: 'wrong.txt' }).count()).resolves.toBe(0);

      const staff = await fixture.open();
      await signIn(staff.page, agent);
      await staff.page.goto(`/tickets/${ticketId}`);
      await staff.page.locator('.attachments .file-name', { hasText: 'export.log' }).waitFor();

      // The customer pastes a screenshot into the reply box and sends it.
      await customer.page.getByRole('textbox', { name: 'Your reply' }).fill('And here is what I see');
      await pasteImage(customer.page, 'form.reply-box');
      await customer.page.locator('.pending-file .file-name', { hasText: /^screenshot-.*\.png$/ }).waitFor();
      const send = customer.page.getByRole('button', { name: 'Send reply' });
      await expect.poll(() => send.isEnabled()).toBe(true);
      await send.click();
      await customer.page.locator('.conversation img.attachment-preview').waitFor();

      // The agent's open page shows it without a reload: the image itself, fetched with the session.
      const preview = staff.page.locator('.conversation img.attachment-preview');
      await preview.waitFor({ timeout: 30_000 });
      await expect.poll(() => preview.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBe(1);

      // Nothing spills sideways at phone width.
      const overflow = await customer.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);

      // A download of the log arrives under its name.
      const [download] = await Promise.all([
        staff.page.waitForEvent('download'),
        staff.page.getByRole('button', { name: /export\.log/ }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('export.log');

      // The agent answers with a screenshot of their own: it appears on the customer's page live.
      await staff.page.getByRole('textbox', { name: 'Your reply' }).fill('Try these settings');
      await pasteImage(staff.page, 'form.reply-box');
      await staff.page.locator('.pending-file .file-name', { hasText: /^screenshot-.*\.png$/ }).waitFor();
      const agentSend = staff.page.getByRole('button', { name: 'Send reply' });
      await expect.poll(() => agentSend.isEnabled()).toBe(true);
      await agentSend.click();
      const customerPreviews = customer.page.locator('.conversation img.attachment-preview');
      await expect.poll(() => customerPreviews.count(), { timeout: 30_000 }).toBe(2);
      await expect.poll(() => customerPreviews.nth(1).evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBe(1);

      expectClean(customer.problems);
      expectClean(staff.problems);
    });
  },
  inject('webBuildError'),
);
