import { html, type SafeHtml } from '../html.js';

/**
 * What an empty page says: how kith gets its first people — an import, a
 * contact added by hand, or an outreach with kith's address in BCC.
 */
export function startHint(serviceAddress: string | undefined, what: string): SafeHtml {
  return html`<section class="panel getting-started" aria-labelledby="start-h"><h2 id="start-h">${what}</h2>
<p>To start, do any of these:</p>
<ul>
<li><a href="/import">Import your contacts</a> — a LinkedIn connections export, a CSV or vCard file.</li>
<li><a href="/contacts/new">Add a contact by hand</a>.</li>
<li>${
    serviceAddress
      ? html`Write an outreach from your own mail as usual and put <strong><code>${serviceAddress}</code></strong> in BCC: each recipient becomes a contact.`
      : html`Set <code>KITH_SERVICE_ADDRESS</code> in <code>.env</code> to the address you will BCC on outreach (a plus-address like you+kith@…), restart kith, and BCC it on your next outreach.`
  }</li>
</ul></section>`;
}

/** The Meetings page with none: where meetings come from. */
export function noMeetingsHint(): SafeHtml {
  return html`<section class="panel getting-started" aria-labelledby="start-h"><h2 id="start-h">No meetings yet</h2>
<p>kith adds a meeting when a contact sends a calendar invitation or you agree a time by mail. To add one yourself, open the contact’s page and use “Add a meeting by hand”.</p></section>`;
}
