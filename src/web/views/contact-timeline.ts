import type { TimelineMessage } from '../../db/contact-page-queries.js';
import type { OutboxRow } from '../../db/schema.js';
import { KIND_LABELS } from '../../templates/contexts.js';
import { html, type SafeHtml } from '../html.js';
import type { ContactView } from './contact.js';
import { formatDateTime, plural } from './format.js';

/**
 * The contact page's mail: what they sent and were sent, with the drafts kith
 * sent in the same stretch of time, and the owner's own mail to kith folded.
 */

type TimelineView = Pick<ContactView, 'page' | 'messageOffset' | 'messageLimit' | 'timeZone'>;

const KIND_WORDS: Readonly<Record<string, string>> = {
  outreach: 'outreach',
  reply: 'reply',
  auto_reply: 'automatic reply',
  bounce: 'bounce',
  invite: 'invitation',
  decline: 'decline',
  owner_reply: 'your mail',
  owner_note: 'your note',
};

function message(m: TimelineMessage, tz: string): SafeHtml {
  return html`<li class="message ${m.direction}"><article aria-label="${m.direction === 'in' ? 'Received' : 'Sent'} ${formatDateTime(m.date, tz)}">
<header><span>${m.direction === 'in' ? 'Received' : 'Sent'} · ${KIND_WORDS[m.kind] ?? m.kind.replace(/_/g, ' ')}</span>
<time datetime="${m.date}">${formatDateTime(m.date, tz)}</time>
<span>${m.direction === 'in' ? html`from ${m.fromAddress}` : html`to ${m.toAddresses}`}</span></header>
<div class="subject">${m.subject || '(no subject)'}</div>
<pre>${m.text}</pre></article></li>`;
}

/** A mail kith drafted and sent to the contact: what they received, in its place in time. */
function sentDraft(d: OutboxRow, tz: string): SafeHtml {
  const at = d.sent_at ?? d.updated_at;
  const kind =
    (KIND_LABELS as Readonly<Record<string, string>>)[d.kind] ?? d.kind.replace(/_/g, ' ');
  return html`<li class="message out kith"><article aria-label="Sent ${formatDateTime(at, tz)}">
<header><span>Sent · ${kind} (drafted by kith, approved by you)</span>
<time datetime="${at}">${formatDateTime(at, tz)}</time>
<span>to ${d.to_address}</span></header>
<div class="subject">${d.subject || '(no subject)'}</div>
<pre>${d.body_text}</pre></article></li>`;
}

/** Mail the owner wrote to kith (approve, notes): not what the contact saw, so folded away. */
const TO_KITH = new Set(['owner_command', 'owner_note']);

type TimelineEntry =
  | { readonly at: string; readonly message: TimelineMessage }
  | { readonly at: string; readonly draft: OutboxRow };

/**
 * This page of messages with the drafts kith sent in the same stretch of
 * time.
 */
function timelineEntries(v: TimelineView): TimelineEntry[] {
  const { messages, messageCount, drafts } = v.page;
  const shownTo = v.messageOffset + messages.length;
  const newest = v.messageOffset > 0 ? messages[0]?.date : undefined;
  const oldest = shownTo < messageCount ? messages[messages.length - 1]?.date : undefined;
  // A sent outreach is also a message under the draft's Message-ID (recorded when it left,
  // or its BCC copy): shown once, as the message.
  const stored = new Set(messages.map((m) => m.messageId));
  const sent = drafts.filter((d) => {
    const at = d.state === 'sent' ? d.sent_at : null;
    if (!at || stored.has(d.message_id)) return false;
    return (newest === undefined || at <= newest) && (oldest === undefined || at > oldest);
  });
  const entries: TimelineEntry[] = [
    ...messages.map((m) => ({ at: m.date, message: m })),
    ...sent.map((d) => ({ at: d.sent_at as string, draft: d })),
  ];
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

function ownerMailGroup(group: readonly TimelineMessage[], tz: string): SafeHtml {
  const words = group
    .map((m) => m.text.trim().split('\n')[0]?.slice(0, 40) ?? '')
    .filter(Boolean)
    .slice(0, 3)
    .map((w) => `“${w}”`)
    .join(', ');
  return html`<li class="owner-mail"><details><summary>${group.length === 1 ? 'Your mail to kith' : `${group.length} of your mails to kith`}${words ? `: ${words}` : ''}</summary>
<ol class="timeline">${group.map((m) => message(m, tz))}</ol></details></li>`;
}

function timelineItems(v: TimelineView): SafeHtml[] {
  const items: SafeHtml[] = [];
  let folded: TimelineMessage[] = [];
  const flush = () => {
    if (folded.length > 0) items.push(ownerMailGroup(folded, v.timeZone));
    folded = [];
  };
  for (const e of timelineEntries(v)) {
    if ('message' in e && TO_KITH.has(e.message.kind)) {
      folded.push(e.message);
      continue;
    }
    flush();
    items.push('message' in e ? message(e.message, v.timeZone) : sentDraft(e.draft, v.timeZone));
  }
  flush();
  return items;
}

/** The mail with them, newest first, a page at a time. */
export function timeline(v: TimelineView): SafeHtml {
  const { messages, messageCount, contact } = v.page;
  const shownTo = v.messageOffset + messages.length;
  const items = timelineItems(v);
  return html`<section aria-labelledby="tl-h"><h2 id="tl-h">Mail <span class="muted small">(${plural(messageCount, 'message')} stored)</span></h2>
${items.length === 0 ? html`<p class="muted">No mail with them yet.</p>` : html`<ol class="timeline">${items}</ol>`}
<p class="actions">${
    v.messageOffset > 0
      ? html`<a href="/contacts/${contact.id}?older=${Math.max(0, v.messageOffset - v.messageLimit)}">Newer messages</a>`
      : ''
  }${shownTo < messageCount ? html`<a href="/contacts/${contact.id}?older=${shownTo}">Older messages</a>` : ''}</p>
</section>`;
}
