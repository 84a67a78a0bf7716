import { expect, inject, it } from 'vitest';
import { describeInBrowser } from './browser.js';
import { confirmAddress, expectClean, register, signIn } from './flows.js';
import { browserFixture } from './fixture.js';

describeInBrowser(
  'passwords and the email address in the browser',
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

    it("confirms a new account's address from the mail, then changes the password on the profile page", async () => {
      const watched = await fixture.open();
      const { page } = watched;
      // Asking for a second link at once, and a wrong current password, are refused: that is the point.
      watched.allow(/^429 POST \/api\/auth\/email\/resend$/);
      watched.allow(/^400 POST \/api\/auth\/password\/change$/);
      watched.allow(/^401 POST \/api\/auth\/login$/);
      const email = 'vera@example.test';
      await register(page, { name: 'Vera Newcomer', email, password: 'orchid tangerine lantern' });

      // Unconfirmed: a banner says why no mail comes; the link was just sent, so not again yet.
      const banner = page.getByRole('region', { name: 'Confirm your email address' });
      await banner.waitFor();
      await banner.getByRole('button', { name: 'Send the link again' }).click();
      await banner.getByText('A verification mail was sent recently').waitFor();

      // The link from the mail confirms it; the banner is gone and the profile says so.
      const link = await confirmAddress(page, fixture.server, email);
      await page.getByRole('link', { name: 'Go to your tickets' }).click();
      await page.getByRole('heading', { name: 'My tickets' }).waitFor();
      expect(await banner.count()).toBe(0);
      await page.goto('/profile');
      await page.getByText('(confirmed)').waitFor();
      // The link is single-use.
      watched.allow(/^400 POST \/api\/auth\/email\/verify$/);
      await page.goto(link);
      await page.getByText('This verification link is invalid, used or expired').waitFor();

      // Change the password: the current one is checked first.
      await page.goto('/profile');
      const form = page.getByRole('form', { name: 'Change your password' });
      await form.getByLabel('Current password').fill('not my password');
      await form.getByLabel('New password', { exact: true }).fill('quince marmalade harbour');
      await form.getByLabel('Repeat the new password').fill('quince marmalade harbour');
      await form.getByRole('button', { name: 'Change password' }).click();
      await form.getByText('The current password is wrong').waitFor();
      await form.getByLabel('Current password').fill('orchid tangerine lantern');
      await form.getByRole('button', { name: 'Change password' }).click();
      await page.locator('.toast', { hasText: 'Password changed' }).waitFor();
      expect(await form.getByLabel('Current password').inputValue()).toBe('');

      // This browser stays signed in; the old password no longer works, the new one does.
      await page.getByRole('heading', { name: 'Your profile' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('orchid tangerine lantern');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.form-error').waitFor();
      await signIn(page, { email, password: 'quince marmalade harbour' });
      await page.getByRole('heading', { name: 'My tickets' }).waitFor();

      expectClean(watched.problems);
    });
  },
  inject('webBuildError'),
);
