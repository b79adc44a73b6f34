import { describe, expect, test } from 'vitest';
import { createContact } from '../../src/db/contacts.js';
import { useChromiumApp, WIDE } from './chromium-app.js';
import { PASSWORD } from './harness.js';

/**
 * Contacts by hand in Debian's Chromium against the real server: add a
 * contact through the form, then merge a duplicate into it. Screenshots of
 * each step at 1366 and 390 px go to test-artifacts/contacts/; at each,
 * nothing runs off the screen and axe-core finds no fault.
 */

const kith = useChromiumApp('contacts');

describe('contacts by hand in Chromium', () => {
  test('add a contact, then merge a duplicate into it', async () => {
    const context = await kith.browser.newContext({ viewport: WIDE, bypassCSP: true });
    context.setDefaultTimeout(8_000);
    const page = await context.newPage();
    const notFound: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) notFound.push(r.url());
    });
    await page.goto(`${kith.base}/contacts`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${kith.base}/contacts`);
    await expect.poll(() => page.getByText('No contacts yet').count()).toBe(1);
    await kith.shoot(page, '1-empty-contacts');

    await page.getByRole('link', { name: 'Add a contact' }).first().click();
    await page.waitForURL(`${kith.base}/contacts/new`);
    // Nothing given: refused, and the typed company stays.
    await page.getByLabel('Company').fill('Northwind Bank');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Give at least a name, an address or a LinkedIn URL.');
    expect(await page.getByLabel('Company').inputValue()).toBe('Northwind Bank');
    await kith.shoot(page, '2-add-refused');

    await page.getByLabel('Name').fill('Noah Becker');
    await page.getByLabel('Title').fill('Data analyst');
    await page.getByLabel('LinkedIn URL').fill('https://www.linkedin.com/in/noah-becker');
    await page.getByLabel('How you know them').fill('Met at the PyData meetup');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.waitForURL(/\/contacts\/\d+\?msg=contact_added/);
    const keptId = Number(/\/contacts\/(\d+)/.exec(page.url())?.[1]);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Noah Becker');
    await expect
      .poll(() => page.getByText('How I know them: Met at the PyData meetup').count())
      .toBe(1);
    await kith.shoot(page, '3-added');

    // A duplicate came in by mail with the address: merge it into the contact just added.
    const dup = await createContact(
      kith.db,
      {
        name: 'N. Becker',
        emails: ['noah@northwind.example'],
        source: 'outreach',
        stage: 'contacted',
      },
      new Date().toISOString(),
    );
    await page.reload();
    await page
      .getByLabel('Merge another contact into this one')
      .fill('N. Becker <noah@northwind.example>');
    await page.getByRole('button', { name: 'Merge…' }).click();
    await page.waitForURL(/\/merge\?with=/);
    await kith.shoot(page, '4-merge-confirm');
    await page.getByRole('button', { name: 'Merge into Noah Becker' }).click();
    await page.waitForURL(`${kith.base}/contacts/${keptId}?msg=merged`);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Merged');
    await expect
      .poll(() => page.locator('ul.addresses').textContent())
      .toContain('noah@northwind.example');
    await kith.shoot(page, '5-merged');

    const rows = await kith.db.selectFrom('contacts').select(['id', 'stage', 'company']).execute();
    expect(rows).toEqual([{ id: keptId, stage: 'contacted', company: 'Northwind Bank' }]);
    expect(dup.id).not.toBe(keptId);
    const last = await kith.db
      .selectFrom('stage_history')
      .select(['cause', 'manual'])
      .where('contact_id', '=', keptId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.cause).toMatch(/^merged with N\. Becker/);
    expect(notFound).toEqual([]);
    await context.close();
  });
});
