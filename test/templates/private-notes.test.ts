import { describe, expect, it } from 'vitest';
import { CONTACT_TEMPLATES } from '../../src/templates/contexts.js';
import { loadTemplates } from '../../src/templates/render.js';
import { SAMPLE_CONTEXTS } from '../../src/templates/samples.js';
import { addContact, addMeeting, addMessage, outboxRows, useWorld } from '../scheduler/world.js';
import { readingProblems } from './reading.js';

/**
 * The owner's notes are private. Property: whatever the notes say, and
 * whatever else is known about a contact, no mail drafted to a contact (or
 * to whoever referred them) contains a note's words. Runs through the real
 * context builders and the database, so a builder that starts passing notes
 * to a contact template fails here, not in someone's inbox.
 */

/** mulberry32: small, seeded, so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = `honest slides strategy hiring team budget spring layoffs manager nervous
  generous candid reorg salary remote office coffee late tired keen sceptical`.split(/\s+/);
const ADVICE = [
  'learn dbt before applying',
  'Talk to the data platform team',
  "read 'The Phoenix Project'",
  'Own one metric end to end',
  'Portfolio reviews',
];
const ENDINGS = ['.', '..', '!', '', ';', ' :)'];

describe('private notes never reach a contact', () => {
  const world = useWorld();

  it('holds for random notes, advice and referrals (seeded)', async () => {
    const w = await world();
    const templates = loadTemplates();
    const rnd = random(20261206);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const notes: string[] = [];
    let day = 1;
    for (let round = 0; round < 12; round++) {
      const at = (d: number, h = 10) =>
        `2026-03-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00.000Z`;
      day = 1 + (round % 20);
      const id = await addContact(w.db, {
        name: `Person ${round} Test`,
        email: `p${round}@example.com`,
        at: at(day, 8),
        stage: 'met',
        company: rnd() < 0.5 ? 'Acme' : undefined,
      });
      const meetingId = await addMeeting(w.db, {
        contactId: id,
        startsAt: at(day, 9),
        endsAt: at(day, 10),
        created: at(day, 8),
      });
      const noteCount = 1 + Math.floor(rnd() * 3);
      for (let n = 0; n < noteCount; n++) {
        const words = Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => pick(WORDS));
        // A unique token makes "appears in the output" exact, whatever the words.
        const body = `${words.join(' ')} zq${round}x${n}${pick(ENDINGS)}`;
        notes.push(body);
        await w.db
          .insertInto('notes')
          .values({
            contact_id: id,
            meeting_id: meetingId,
            body,
            source_message_id: null,
            created_at: at(day, 11),
          })
          .execute();
      }
      for (let a = 0; a < Math.floor(rnd() * 4); a++) {
        await w.db
          .insertInto('advice')
          .values({
            contact_id: id,
            meeting_id: meetingId,
            body: pick(ADVICE),
            source_message_id: null,
            created_at: at(day, 11),
          })
          .execute();
      }
      const referred: number[] = [];
      for (let r = 0; r < Math.floor(rnd() * 3); r++) {
        referred.push(
          await addContact(w.db, {
            name: `Referral ${round}-${r}`,
            email: `r${round}-${r}@example.com`,
            at: at(day, 12),
            referredById: id,
          }),
        );
      }
      await addMessage(w.db, {
        contactId: id,
        direction: 'out',
        kind: 'outreach',
        date: at(day, 7),
      });
      const now = at(day, 18);
      const effects = w.deps.effects;
      await effects.thankYouDraft(w.db, { meetingId, contactId: id, at: now });
      await effects.keepInTouchDraft(w.db, {
        contactId: id,
        at: `2026-06-${String(day).padStart(2, '0')}T10:00:00.000Z`,
      });
      await effects.followUpDraft(w.db, { contactId: id, number: 1, at: now });
      if (referred[0] !== undefined) {
        await effects.referrerUpdateDraft(w.db, {
          referrerId: id,
          referralId: referred[0],
          at: now,
        });
      }
    }
    const drafts = (await outboxRows(w.db)).filter((r) => r.audience === 'contact');
    expect(drafts.length).toBeGreaterThan(30);
    for (const draft of drafts) {
      const mail = `${draft.subject}\n${draft.body_text}`;
      for (const note of notes) {
        expect(mail, draft.kind).not.toContain(/zq\d+x\d+/.exec(note)?.[0]);
        expect(mail, draft.kind).not.toContain(note.replace(/[.!;:) ]+$/, ''));
      }
      expect(
        readingProblems({ subject: draft.subject, text: draft.body_text }),
        draft.kind,
      ).toEqual([]);
    }

    // Rendering straight from a context that carries notes is refused.
    for (const name of CONTACT_TEMPLATES) {
      const context = { ...SAMPLE_CONTEXTS[name][0], notes: ['private'] };
      expect(() => templates.render(name, context as never)).toThrow(/notes/);
    }
  }, 60_000);
});
