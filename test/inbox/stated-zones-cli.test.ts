import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { buildMail } from './build-mail.js';
import { OWNER, SECRET, SERVICE } from './ingest-helpers.js';

/**
 * Times with their zone stated in the words, in English, French, German and
 * Spanish, through `kith ingest`: the zone named in the text wins over the
 * Date header; "my time" is the writer's, "your time" the reader's (the
 * owner, in New York here). Each phrase comes from its own contact, sent on
 * Monday 23 November 2026 at 09:00 on the header's clock. Expected instants
 * worked out by hand (winter: Berlin +1, New York −5, Los Angeles −8,
 * Sydney +11, Tokyo +9, Kolkata +5:30, Mexico City −6, São Paulo −3).
 */

const tempDir = useTempDir();

// [text, Date header offset, expected start (UTC)]
const PHRASES: readonly [string, string, string][] = [
  ['How about Thursday 26 November at 3pm Berlin time?', '+0000', '2026-11-26T14:00:00.000Z'],
  ['Could we talk on Thursday 26 November at 10am ET?', '+0100', '2026-11-26T15:00:00.000Z'],
  ['Does Friday 27 November at 9am PT work?', '+0000', '2026-11-27T17:00:00.000Z'],
  ['How about Friday 27 November at 2pm London time?', '+0100', '2026-11-27T14:00:00.000Z'],
  ['Thursday 26 November at 4pm IST?', '+0530', '2026-11-26T10:30:00.000Z'],
  ['Thursday 26 November at 11am CST?', '-0600', '2026-11-26T17:00:00.000Z'],
  ['Can we do Wednesday 25 November at 9am JST?', '+0000', '2026-11-25T00:00:00.000Z'],
  ['How about Wednesday 25 November at 5pm UTC+2?', '+0000', '2026-11-25T15:00:00.000Z'],
  ["Let's say Tuesday 24 November at 8am GMT-5.", '+0000', '2026-11-24T13:00:00.000Z'],
  ['Does Thursday 26 November at 10am Pacific work?', '+0000', '2026-11-26T18:00:00.000Z'],
  ['How about Thursday 26 November at 1pm Eastern?', '+0000', '2026-11-26T18:00:00.000Z'],
  ['Thursday 26 November at 6pm my time?', '+0900', '2026-11-26T09:00:00.000Z'],
  ['Would Thursday 26 November at 3pm your time suit you?', '+0900', '2026-11-26T20:00:00.000Z'],
  ['How about Friday 27 November at 10:30 AEDT?', '+0000', '2026-11-26T23:30:00.000Z'],
  ['Monday 30 November at 9am BST?', '+0600', '2026-11-30T03:00:00.000Z'],
  ['Thursday 26 November at 3pm New York time?', '+0100', '2026-11-26T20:00:00.000Z'],
  ['Thursday 26 November at 14:00 -05:00?', '+0000', '2026-11-26T19:00:00.000Z'],
  // One time on two clocks is one proposal, not a second one on the day of sending.
  ['Thursday 26 November at 9am EST / 3pm CET?', '+0000', '2026-11-26T14:00:00.000Z'],
  ['Can we do 10am Pacific on Thursday?', '+0000', '2026-11-26T18:00:00.000Z'],
  ['Thursday 26 November at 3pm my time (9am yours)?', '+0100', '2026-11-26T14:00:00.000Z'],
  ['Jeudi 26 novembre à 15h heure de Paris, ça vous va ?', '+0000', '2026-11-26T14:00:00.000Z'],
  ['Je propose vendredi 27 novembre à 10h heure de New York.', '+0100', '2026-11-27T15:00:00.000Z'],
  ['Mardi 24 novembre à 9h à mon heure ?', '-0500', '2026-11-24T14:00:00.000Z'],
  ['Mercredi 25 novembre à 16h votre heure ?', '+0100', '2026-11-25T21:00:00.000Z'],
  ['Jeudi 26 novembre à 11h UTC ?', '+0100', '2026-11-26T11:00:00.000Z'],
  ['Vendredi 27 novembre à 18h heure de Tokyo ?', '+0100', '2026-11-27T09:00:00.000Z'],
  ['Jeudi 26 novembre à 14h CET ?', '+0000', '2026-11-26T13:00:00.000Z'],
  [
    'Passt Ihnen Donnerstag, 26. November um 15 Uhr deutscher Zeit?',
    '+0000',
    '2026-11-26T14:00:00.000Z',
  ],
  [
    'Wie wäre es mit Freitag, 27. November um 16 Uhr Londoner Zeit?',
    '+0100',
    '2026-11-27T16:00:00.000Z',
  ],
  [
    'Können wir Dienstag, 24. November um 9 Uhr meiner Zeit sprechen?',
    '-0800',
    '2026-11-24T17:00:00.000Z',
  ],
  ['Geht Mittwoch, 25. November um 17 Uhr Ihrer Zeit?', '+0900', '2026-11-25T22:00:00.000Z'],
  ['Donnerstag, 26. November um 11 Uhr MEZ?', '+0000', '2026-11-26T10:00:00.000Z'],
  ['Donnerstag, 26. November um 8 Uhr UTC-5?', '+0100', '2026-11-26T13:00:00.000Z'],
  [
    '¿Te viene bien el jueves 26 de noviembre a las 16:00 hora de Madrid?',
    '+0000',
    '2026-11-26T15:00:00.000Z',
  ],
  [
    '¿Podemos hablar el viernes 27 de noviembre a las 10:00 hora de Ciudad de México?',
    '+0000',
    '2026-11-27T16:00:00.000Z',
  ],
  ['¿El martes 24 de noviembre a las 9:00 mi hora?', '-0300', '2026-11-24T12:00:00.000Z'],
  [
    '¿Te va bien el miércoles 25 de noviembre a las 18:00 tu hora?',
    '+0100',
    '2026-11-25T23:00:00.000Z',
  ],
  ['¿Qué tal el jueves 26 de noviembre a las 15:00 CET?', '-0500', '2026-11-26T14:00:00.000Z'],
  ['¿Jueves 26 de noviembre a las 12:00 UTC+1?', '+0000', '2026-11-26T11:00:00.000Z'],
];

function offsetDate(offset: string): string {
  return `Mon, 23 Nov 2026 09:00:00 ${offset}`;
}

describe('kith ingest: zones stated in the text', () => {
  it(`places ${PHRASES.length} phrases in the zone their words name`, async () => {
    const cwd = tempDir();
    const dir = path.join(cwd, 'mail');
    mkdirSync(dir, { recursive: true });
    PHRASES.forEach(([text, offset], i) => {
      const n = String(i).padStart(2, '0');
      const address = `person${n}@contact.example`;
      const outreach = `outreach-${n}@example.org`;
      writeFileSync(
        path.join(dir, `a${n}-outreach.eml`),
        buildMail({
          from: OWNER,
          to: [`Person ${n} <${address}>`],
          subject: `Chat ${n}?`,
          messageId: outreach,
          date: 'Fri, 20 Nov 2026 09:00:00 -0500',
        }),
      );
      writeFileSync(
        path.join(dir, `b${n}-reply.eml`),
        buildMail({
          from: address,
          to: [OWNER],
          subject: `Re: Chat ${n}?`,
          inReplyTo: outreach,
          date: offsetDate(offset),
          text,
        }),
      );
    });
    const result = await runCli(['ingest', dir], {
      cwd,
      env: {
        KITH_OWNER_EMAIL: OWNER,
        KITH_SERVICE_ADDRESS: SERVICE,
        KITH_SECRET: SECRET,
        KITH_TIMEZONE: 'America/New_York',
      },
    });
    expect(result.code).toBe(0);
    const wrong: string[] = [];
    PHRASES.forEach(([text, offset, expected], i) => {
      const n = String(i).padStart(2, '0');
      const line = result.stdout.split('\n').find((l) => l.includes(`b${n}-reply.eml: `)) ?? '';
      const found = [...line.matchAll(/meeting proposed for ([^\s,;]+)/g)].map((m) => m[1]);
      const got = found.length === 1 ? found[0] : found.join(' + ') || null;
      if (got !== expected)
        wrong.push(`${text} (${offset}) → ${got} (expected ${expected}) | ${line}`);
    });
    expect(wrong).toEqual([]);
  });
});
