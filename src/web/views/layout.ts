import { html, type SafeHtml } from '../html.js';
import { SCRIPT, STYLESHEET } from '../static/assets.js';

export type NavKey =
  | 'board'
  | 'contacts'
  | 'drafts'
  | 'meetings'
  | 'numbers'
  | 'exchange'
  | 'health';

const NAV: readonly { key: NavKey; href: string; label: string }[] = [
  { key: 'board', href: '/', label: 'Board' },
  { key: 'contacts', href: '/contacts', label: 'Contacts' },
  { key: 'drafts', href: '/drafts', label: 'Drafts' },
  { key: 'meetings', href: '/meetings', label: 'Meetings' },
  { key: 'numbers', href: '/numbers', label: 'Numbers' },
  { key: 'exchange', href: '/import', label: 'Import / export' },
  { key: 'health', href: '/health', label: 'Health' },
];

/** What every page behind the login shows around its content. */
export interface Chrome {
  readonly csrfToken: string;
  readonly pendingDrafts: number;
  readonly ownerMissing: boolean;
  readonly flash: Flash | undefined;
}

export interface Flash {
  readonly text: string;
  readonly error?: boolean;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

function head(title: string | SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · kith</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${STYLESHEET.path}">
<script src="${SCRIPT.path}" defer></script>
</head>`;
}

/** A page behind the login: navigation, first-run banner, flash message, content. */
export function page(options: {
  title: string | SafeHtml;
  active?: NavKey;
  chrome: Chrome;
  wide?: boolean;
  heading?: SafeHtml;
  body: SafeHtml;
}): SafeHtml {
  const { chrome } = options;
  return html`${head(options.title)}
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/">kith</a>
  <nav aria-label="Main"><ul>${NAV.map(
    (n) =>
      html`<li><a href="${n.href}"${n.key === options.active ? html` aria-current="page"` : ''}>${n.label}${
        n.key === 'drafts' && chrome.pendingDrafts > 0
          ? html` <span class="badge" aria-label="${chrome.pendingDrafts} waiting">${chrome.pendingDrafts}</span>`
          : ''
      }</a></li>`,
  )}</ul></nav>
  <form method="post" action="/logout">${csrfField(chrome.csrfToken)}<button type="submit">Log out</button></form>
</header>
${
  chrome.ownerMissing
    ? html`<div class="banner" role="note"><p><strong>First run:</strong> kith does not know your address yet, so it cannot tell your mail from other people’s. Set <code>KITH_OWNER_EMAIL</code> in <code>.env</code> (see <code>.env.example</code>) and restart kith.</p></div>`
    : ''
}
<main id="main"${options.wide ? html` class="wide"` : ''} tabindex="-1">
${options.heading ?? html`<h1>${options.title}</h1>`}
${chrome.flash ? html`<p class="flash${chrome.flash.error ? ' error' : ''}" role="status">${chrome.flash.text}</p>` : ''}
${options.body}
</main>
</body></html>`;
}

/** A page outside the login (the login form itself, errors for logged-out users). */
export function barePage(title: string, body: SafeHtml): SafeHtml {
  return html`${head(title)}
<body><main id="main" class="login">${body}</main></body></html>`;
}
