import { html, type SafeHtml } from '../html.js';
import { mailtoLink, type OutreachPreview } from '../outbox-actions.js';
import { csrfField } from './layout.js';

export interface ComposeView {
  readonly preview: OutreachPreview;
  readonly csrfToken: string;
  readonly contactName: string;
}

/** The outreach editor: template text to edit, a preview, and two ways to send. */
export function composeBody(v: ComposeView): SafeHtml {
  const p = v.preview;
  const id = p.contactId;
  if (!p.to) {
    return html`<p class="flash error">${v.contactName} has no working address, so there is nobody to write to. <a href="/contacts/${id}">Back to the contact</a></p>`;
  }
  const mailto = mailtoLink({ to: p.to, bcc: p.bcc, subject: p.subject, text: p.text });
  return html`<p class="muted">Written from the outreach template${p.bcc ? html`; kith’s address (${p.bcc}) is in BCC so kith sees the mail` : ''}. Edit it, look at the preview, then send it through kith or open it in your own mail program.</p>
<form method="post" action="/contacts/${id}/compose" class="panel">${csrfField(v.csrfToken)}
<p><strong>To:</strong> ${p.to}</p>
<label for="compose-subject">Subject</label><input id="compose-subject" name="subject" value="${p.subject}" maxlength="300" required size="60">
<label for="compose-body">Text</label><textarea id="compose-body" name="text" rows="16" required>${p.text}</textarea>
<div class="actions">
<button type="submit" name="action" value="preview" class="secondary">Update preview</button>
<button type="submit" name="action" value="send">Send through kith</button>
<a class="button secondary" href="${mailto}" data-mailto-to="${p.to}" data-mailto-bcc="${p.bcc ?? ''}">Open in my mail program</a>
</div></form>
<section class="preview" aria-labelledby="preview-h"><h2 id="preview-h">Preview</h2>
<p class="small"><strong>To:</strong> ${p.to}${p.bcc ? html`<br><strong>Bcc:</strong> ${p.bcc}` : ''}<br><strong>Subject:</strong> ${p.subject}</p>
<pre>${p.text}</pre></section>`;
}
