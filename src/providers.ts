/**
 * Known mail providers: the hosts, ports and TLS modes a user would otherwise
 * have to look up, and whether the provider files mail sent over SMTP in the
 * Sent folder by itself (if not, kith APPENDs a copy so the thread is whole).
 * Explicit IMAP_* / SMTP_* settings override every value here.
 */
export interface ProviderPreset {
  readonly label: string;
  readonly settings: Readonly<Record<string, string>>;
  /** Where to create an app password; shown by `kith doctor` and the README. */
  readonly appPasswordHelp: string;
}

export const PROVIDERS = {
  gmail: {
    label: 'Gmail / Google Workspace',
    settings: {
      IMAP_HOST: 'imap.gmail.com',
      IMAP_PORT: '993',
      IMAP_SECURE: 'true',
      IMAP_AUTHSERV_ID: 'topmost',
      SMTP_HOST: 'smtp.gmail.com',
      SMTP_PORT: '465',
      SMTP_SECURE: 'true',
      SMTP_SAVES_SENT: 'true',
    },
    appPasswordHelp:
      'Turn on 2-Step Verification, then create an app password under Google Account → Security → App passwords.',
  },
  fastmail: {
    label: 'Fastmail',
    settings: {
      IMAP_HOST: 'imap.fastmail.com',
      IMAP_PORT: '993',
      IMAP_SECURE: 'true',
      IMAP_AUTHSERV_ID: 'topmost',
      SMTP_HOST: 'smtp.fastmail.com',
      SMTP_PORT: '465',
      SMTP_SECURE: 'true',
      SMTP_SAVES_SENT: 'true',
    },
    appPasswordHelp:
      'Settings → Privacy & Security → Manage app passwords → New app password (IMAP + SMTP).',
  },
  outlook: {
    label: 'Outlook.com / Microsoft 365',
    settings: {
      IMAP_HOST: 'outlook.office365.com',
      IMAP_PORT: '993',
      IMAP_SECURE: 'true',
      IMAP_AUTHSERV_ID: 'topmost',
      SMTP_HOST: 'smtp.office365.com',
      SMTP_PORT: '587',
      SMTP_SECURE: 'false',
      SMTP_SAVES_SENT: 'true',
    },
    appPasswordHelp:
      'Microsoft accounts with two-step verification: Security → Advanced security options → App passwords. Microsoft 365 tenants may require OAuth2: use IMAP_AUTH=xoauth2 with IMAP_PASS_COMMAND.',
  },
  icloud: {
    label: 'iCloud Mail',
    settings: {
      IMAP_HOST: 'imap.mail.me.com',
      IMAP_PORT: '993',
      IMAP_SECURE: 'true',
      IMAP_AUTHSERV_ID: 'topmost',
      SMTP_HOST: 'smtp.mail.me.com',
      SMTP_PORT: '587',
      SMTP_SECURE: 'false',
      SMTP_SAVES_SENT: 'false',
    },
    appPasswordHelp:
      'appleid.apple.com → Sign-In and Security → App-Specific Passwords → Generate.',
  },
  generic: {
    label: 'Any other IMAP/SMTP provider',
    // Self-hosted Postfix+Dovecot and most generic hosts do not file SMTP mail in Sent. Assuming
    // they do is the unsafe guess: after a crash kith would find no copy and send again.
    settings: { SMTP_SAVES_SENT: 'false' },
    appPasswordHelp:
      'Ask your provider for IMAP and SMTP host names and, if it supports them, an app password.',
  },
} as const satisfies Record<string, ProviderPreset>;

export type ProviderName = keyof typeof PROVIDERS;

export function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(PROVIDERS, name);
}
