import { describe, expect, test } from 'vitest';
import { createContact } from '../../src/db/contacts.js';
import { useChromiumApp, WIDE } from './chromium-app.js';
import { PASSWORD } from './harness.js';

/**
 * Advice, referrals, sorting and board search in Debian's Chromium against
 * the real server. Screenshots of each step at 1366 and 390 px go to
 * test-artifacts/advice-referrals/; at each, nothing runs off the screen and
 * axe-core finds no fault.
 */

const kith = useChromiumApp('advice-referrals');

describe('advice and referrals in Chromium', () => {
  test('add advice and a referral (a refusal keeps what was typed), a keyed note, sort and search', async () => {
    const mia = await createContact(
      kith.db,
      {
        name: 'Mia Park',
        emails: ['mia@bank.example'],
        company: 'Bank',
        source: 'outreach',
        stage: 'met',
      },
      new Date().toISOString(),
    );
    const context = await kith.browser.newContext({ viewport: WIDE, bypassCSP: true });
    context.setDefaultTimeout(8_000);
    const page = await context.newPage();
    const notFound: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) notFound.push(r.url());
    });
    await page.goto(`${kith.base}/contacts/${mia.id}`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${kith.base}/contacts/${mia.id}`);

    await page.getByLabel('Add advice they gave').fill('Talk to the risk team first');
    await page.getByRole('button', { name: 'Add advice' }).click();
    await page.waitForURL(/msg=advice_added/);
    await expect
      .poll(() => page.getByText('Talk to the risk team first').count())
      .toBeGreaterThan(0);
    await kith.shoot(page, '1-advice-added');

    await page.getByText('Add someone they referred you to').click();
    await page.locator('#r-name').fill('Ana Ruiz');
    await page.getByLabel('Mail address').fill('ana-at-fund');
    // The kith.browser's own check would stop a bad address: the server's refusal is what is tested.
    await page.locator('#r-address').evaluate((el) => el.setAttribute('type', 'text'));
    await page.getByRole('button', { name: 'Add referral' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('is not a mail address');
    expect(await page.locator('#r-name').inputValue()).toBe('Ana Ruiz');
    await kith.shoot(page, '2-referral-refused');
    await page.locator('#r-address').fill('ana@fund.example');
    await page.getByRole('button', { name: 'Add referral' }).click();
    await page.waitForURL(/msg=referral_added/);
    await expect
      .poll(() =>
        page
          .getByRole('button', { name: 'Remove Ana Ruiz from the people they referred you to' })
          .count(),
      )
      .toBe(1);
    await kith.shoot(page, '3-referral-added');

    await page.getByLabel('Add a note').fill('Lovely chat.\nadvice: Apply in spring');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.waitForURL(/msg=note/);
    await expect.poll(() => page.getByText('Apply in spring').count()).toBeGreaterThan(0);
    await kith.shoot(page, '4-keyed-note');

    await page.goto(`${kith.base}/contacts?sort=next`);
    await expect
      .poll(() => page.getByRole('columnheader', { name: 'Next action ↑' }).count())
      .toBe(1);
    await kith.shoot(page, '5-contacts-by-next-action');

    await page.goto(`${kith.base}/`);
    await page.getByLabel('Find cards by name, company or address').fill('fund.example');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.waitForURL(/q=fund.example/);
    await expect.poll(() => page.locator('li.card').count()).toBe(1);
    await kith.shoot(page, '6-board-search');

    const advice = await kith.db.selectFrom('advice').select('body').orderBy('id').execute();
    expect(advice.map((a) => a.body)).toEqual(['Talk to the risk team first', 'Apply in spring']);
    expect(notFound).toEqual([]);
    await context.close();
  });
});
