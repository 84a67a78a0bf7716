import { expect, inject, it } from 'vitest';
import { describeInBrowser } from './browser.js';
import { expectClean, signIn } from './flows.js';
import { browserFixture } from './fixture.js';

describeInBrowser(
  'password reset in the browser',
  () => {
    const fixture = browserFixture();

    it('resets a forgotten password from the link in the mail, once', async () => {
      const person = await fixture.server.createUser('customer', 'Fay Forgetful');
      const watched = await fixture.open();
      const { page } = watched;
      // The old password after the reset, and the spent link, are refused: that is the point.
      watched.allow(/^401 POST \/api\/auth\/login$/);
      watched.allow(/^400 POST \/api\/auth\/password\/reset$/);

      await page.goto('/login');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByLabel('Email').fill(person.email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await page.getByText('If an account exists').waitFor();

      const [mail] = await fixture.server.smtp.waitForMessages(1, 15_000);
      const link = /(http:\/\/\S+\/reset-password\?token=[\w%-]+)/.exec(mail?.text ?? '')?.[1];
      expect(link, 'the mail carries a reset link to this server').toMatch(new RegExp(`^${fixture.server.url}/reset-password\\?token=`));

      await page.goto(link ?? '');
      await page.getByLabel('New password', { exact: true }).fill('a brand new password');
      await page.getByLabel('Repeat the new password').fill('a brand new password');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Your password has been changed').waitFor();

      // The old password no longer works; the new one does.
      await page.goto('/login');
      await page.getByLabel('Email').fill(person.email);
      await page.getByLabel('Password').fill(person.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.form-error').waitFor();
      await signIn(page, { email: person.email, password: 'a brand new password' });
      await page.getByRole('heading', { name: 'My tickets' }).waitFor();

      // The link is single-use.
      await page.goto(link ?? '');
      await page.getByLabel('New password', { exact: true }).fill('yet another password');
      await page.getByLabel('Repeat the new password').fill('yet another password');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.locator('.form-error').waitFor();

      expectClean(watched.problems);
    });
  },
  inject('webBuildError'),
);
