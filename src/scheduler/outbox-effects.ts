import { DateTime } from 'luxon';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import {
  contactWithAddress,
  digestFacts,
  firstOutreachTo,
  lastMeetingOf,
  lastOwnerMailTo,
  meetingById,
  notesOrAdvice,
  recentExchanges,
  referralChainOf,
  referralsBy,
} from '../db/scheduler-mail-queries.js';
import type { Contact, Meeting } from '../db/schema.js';
import type { Logger } from '../log.js';
import { requestApprovalAgain, skipDraft } from '../outbox/draft-commands.js';
import { createContactDraft, type OutboxContext, queueOwnerMail } from '../outbox/drafts.js';
import { ownerView, personView } from '../outbox/views.js';
import { lateSince } from '../pipeline/late.js';
import { putAsideSentence } from '../pipeline/put-aside.js';
import { isStage, STAGE_LABELS, STAGES } from '../pipeline/stages.js';
import { withoutSubjectPrefixes } from '../pipeline/subject-key.js';
import { tidyAdvice } from '../templates/advice.js';
import { KIND_LABELS, type MeetingView, type PersonView } from '../templates/contexts.js';
import { loadTemplatesCached, type Templates } from '../templates/render.js';
import { type EffectNote, JobNotApplicable, type SchedulerEffects } from './effects.js';

export interface OutboxEffectsOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Loaded templates; by default the built-ins plus KITH_TEMPLATES_DIR. */
  readonly templates?: Templates;
}

const NO_OWNER = 'not mailed: KITH_OWNER_EMAIL is not set';
const MET_STAGES = new Set(['met', 'thanked', 'keeping_in_touch']);

/** The meeting for templates, on the contact's clock when kith knows it (else the agreed zone). */
function meetingView(m: Meeting, contactZone: string | null = null): MeetingView {
  return {
    startsAt: m.starts_at,
    endsAt: m.ends_at,
    timeZone: contactZone ?? m.time_zone,
    mode: m.mode,
    location: m.location,
    durationMinutes: Math.max(
      0,
      Math.round((Date.parse(m.ends_at) - Date.parse(m.starts_at)) / 60_000),
    ),
  };
}

/** Journey order for the digest's stage counts; unknown stages last. */
function stageOrder(stage: string): number {
  const i = (STAGES as readonly string[]).indexOf(stage);
  return i === -1 ? STAGES.length : i;
}

function day(at: string, zone: string): string {
  return DateTime.fromISO(at, { zone }).setLocale('en-GB').toFormat('d LLL yyyy');
}

/**
 * The scheduler's effects carried out through the outbox: each renders its
 * template from the database and queues owner mail or a contact draft
 * (which asks the owner for approval), inside the job's transaction.
 */
export function createOutboxEffects(options: OutboxEffectsOptions): SchedulerEffects {
  const { config } = options;
  const templates = () => options.templates ?? loadTemplatesCached(config.templatesDir);
  const outbox = (db: Db): OutboxContext => ({
    db,
    config,
    logger: options.logger,
    templates: templates(),
  });
  const owner = () => ownerView(config);
  const canMailOwner = () => config.owner.emails.length > 0;

  async function person(
    db: Db,
    contactId: number,
  ): Promise<{ contact: Contact; view: PersonView }> {
    const found = await contactWithAddress(db, contactId);
    if (!found) throw new JobNotApplicable(`contact #${contactId} no longer exists`);
    return { contact: found.contact, view: personView(found.contact, found.address) };
  }

  async function meetingOf(db: Db, meetingId: number): Promise<Meeting> {
    const meeting = await meetingById(db, meetingId);
    if (!meeting) throw new JobNotApplicable(`meeting #${meetingId} no longer exists`);
    return meeting;
  }

  async function howWeMet(db: Db, contact: Contact, chain: readonly Contact[]): Promise<string> {
    const referrer = chain.at(-1);
    if (referrer) {
      return `Referred by ${referrer.name ?? `contact #${referrer.id}`}${referrer.company ? ` (${referrer.company})` : ''}`;
    }
    const outreach = await firstOutreachTo(db, contact.id);
    if (outreach) return `You wrote first on ${day(outreach.date, config.timeZone)}`;
    if (contact.source.startsWith('import:linkedin')) return 'A LinkedIn connection';
    return `Added from ${contact.source.replace(/[:_]/g, ' ')}`;
  }

  /**
   * Advice for mail to a contact, tidied for its reader. Contact templates
   * are handed advice and never notes: notes are the owner's private words.
   */
  async function adviceFor(db: Db, contactId: number, meeting?: Meeting): Promise<string[]> {
    return (await notesOrAdvice(db, 'advice', contactId, meeting)).map(tidyAdvice).filter(Boolean);
  }

  const personOf = (c: Contact, address: string | null = null) => personView(c, address);

  return {
    async prepBrief(db, { meetingId, contactId, at }): Promise<EffectNote> {
      if (!canMailOwner()) return NO_OWNER;
      const meeting = await meetingOf(db, meetingId);
      const { contact, view } = await person(db, contactId);
      const chain = await referralChainOf(db, contact);
      const rendered = templates().render('prep_brief', {
        owner: owner(),
        contact: { ...view, linkedinUrl: contact.linkedin_url, stage: contact.stage },
        meeting: meetingView(meeting, contact.time_zone),
        howWeMet: await howWeMet(db, contact, chain),
        referralChain: chain.map((c) => personOf(c)),
        notes: await notesOrAdvice(db, 'notes', contactId),
        advice: await notesOrAdvice(db, 'advice', contactId),
        recentMessages: (await recentExchanges(db, contactId, 3)).map((m) => ({
          date: m.date,
          direction: m.direction,
          subject: m.subject,
          text: m.text.length > 600 ? `${m.text.slice(0, 600)}…` : m.text,
        })),
      });
      await queueOwnerMail(outbox(db), {
        kind: 'prep_brief',
        contactId,
        meetingId,
        ...rendered,
        at,
      });
      return undefined;
    },

    async postMeetingPrompt(db, { meetingId, contactId, at }): Promise<EffectNote> {
      if (!canMailOwner()) return NO_OWNER;
      const meeting = await meetingOf(db, meetingId);
      const { contact, view } = await person(db, contactId);
      const rendered = templates().render('post_meeting_prompt', {
        owner: owner(),
        contact: view,
        meeting: meetingView(meeting, contact.time_zone),
      });
      await queueOwnerMail(outbox(db), {
        kind: 'post_meeting_prompt',
        contactId,
        meetingId,
        ...rendered,
        at,
      });
      return undefined;
    },

    async thankYouDraft(db, { meetingId, contactId, at }): Promise<EffectNote> {
      const meeting = await meetingOf(db, meetingId);
      const { contact, view } = await person(db, contactId);
      // Mail to the contact gives the day on their own clock.
      const rendered = templates().render('thank_you', {
        owner: owner(),
        contact: view,
        meeting: meetingView(meeting, contact.time_zone),
        advice: await adviceFor(db, contactId, meeting),
        referrals: (await referralsBy(db, contactId, meeting.starts_at)).map((c) => personOf(c)),
      });
      const made = await createContactDraft(outbox(db), {
        kind: 'thank_you',
        contactId,
        meetingId,
        ...rendered,
        at,
      });
      return made.created ? undefined : `draft #${made.draft.id} was already waiting`;
    },

    async thankYouReminder(db, { draftId, at }): Promise<EffectNote> {
      if (!canMailOwner()) return NO_OWNER;
      const result = await requestApprovalAgain(outbox(db), draftId, at);
      if (!result.ok) throw new JobNotApplicable(result.message);
      return undefined;
    },

    async followUpDraft(db, { contactId, number, at }): Promise<EffectNote> {
      const { contact, view } = await person(db, contactId);
      const referrer = contact.referred_by_id
        ? await contactWithAddress(db, contact.referred_by_id)
        : undefined;
      const previous = await lastOwnerMailTo(db, contactId);
      const from = previous?.date ?? contact.stage_changed_at;
      const rendered = templates().render('follow_up', {
        owner: owner(),
        contact: view,
        referrer: referrer ? personOf(referrer.contact, referrer.address) : null,
        previousSubject: previous ? withoutSubjectPrefixes(previous.subject) : 'My earlier note',
        daysSince: Math.max(1, Math.floor((Date.parse(at) - Date.parse(from)) / 86_400_000)),
        followUpNumber: number,
      });
      const made = await createContactDraft(outbox(db), {
        kind: 'follow_up',
        contactId,
        ...rendered,
        at,
      });
      return made.created ? undefined : `draft #${made.draft.id} was already waiting`;
    },

    async withdrawFollowUps(db, { draftIds, at }): Promise<EffectNote> {
      const done: string[] = [];
      for (const id of draftIds) {
        const result = await skipDraft(outbox(db), id, { at });
        done.push(result.ok ? `draft #${id} skipped` : `draft #${id} kept: ${result.message}`);
      }
      return done.join('; ');
    },

    async keepInTouchDraft(db, { contactId, at }): Promise<EffectNote> {
      const { view } = await person(db, contactId);
      const last = await lastMeetingOf(db, contactId, at);
      const months = last
        ? Math.floor(DateTime.fromISO(at).diff(DateTime.fromISO(last.ends_at), 'months').months)
        : null;
      const referred = await referralsBy(db, contactId);
      const rendered = templates().render('keep_in_touch', {
        owner: owner(),
        contact: view,
        advice: await adviceFor(db, contactId),
        lastMetAt: last?.starts_at ?? null,
        monthsSince: months !== null && months >= 1 ? months : null,
        referralsMet: referred.filter((c) => MET_STAGES.has(c.stage)).map((c) => personOf(c)),
      });
      const made = await createContactDraft(outbox(db), {
        kind: 'keep_in_touch',
        contactId,
        ...rendered,
        at,
      });
      return made.created ? undefined : `draft #${made.draft.id} was already waiting`;
    },

    async referrerUpdateDraft(db, { referrerId, referralId, at }): Promise<EffectNote> {
      const referrer = await person(db, referrerId);
      const referred = await person(db, referralId);
      const meeting = await lastMeetingOf(db, referralId, at);
      const rendered = templates().render('referrer_update', {
        owner: owner(),
        referrer: referrer.view,
        referred: referred.view,
        meeting: meeting ? meetingView(meeting, referrer.contact.time_zone) : null,
        advice: await adviceFor(db, referralId, meeting),
      });
      const made = await createContactDraft(outbox(db), {
        kind: 'referrer_update',
        contactId: referrerId,
        ...rendered,
        at,
      });
      return made.created ? undefined : `draft #${made.draft.id} was already waiting`;
    },

    async weeklyDigest(db, { periodStart, periodEnd, at }): Promise<EffectNote> {
      if (!canMailOwner()) return NO_OWNER;
      const waitingSince = new Date(
        Date.parse(at) - config.schedule.followUpAfterDays * 86_400_000,
      ).toISOString();
      const facts = await digestFacts(
        db,
        { from: periodStart, to: periodEnd },
        { now: at, waitingSince },
      );
      // A digest of an empty pipeline (a new install) would only be noise.
      if (facts.stageCounts.every((s) => s.count === 0)) return 'not mailed: no contacts yet';
      const name = (p: { id: number; name: string | null; address: string | null }) =>
        p.name ?? p.address ?? `contact #${p.id}`;
      const when = (iso: string) => day(iso, config.timeZone);
      const rendered = templates().render('weekly_digest', {
        owner: owner(),
        periodStart,
        periodEnd,
        funnel: {
          outreach: facts.outreach,
          replies: facts.replies,
          meetings: facts.meetings,
          thankYous: facts.thankYous,
        },
        stageCounts: [...facts.stageCounts]
          .sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage))
          .map((s) => ({
            stage: isStage(s.stage) ? STAGE_LABELS[s.stage] : s.stage,
            count: s.count,
          })),
        upcoming: facts.upcoming.map((m) => ({
          name: name(m),
          startsAt: m.startsAt,
          timeZone: m.timeZone,
        })),
        // Late thank-yous first: they are the ones that lose value by the day.
        awaitingApproval: facts.awaitingApproval
          .map((d) => ({ d, late: lateSince(d.kind, d.meetingEndsAt, at) }))
          .sort((a, b) => Number(b.late !== null) - Number(a.late !== null))
          .map(({ d, late }) => ({
            name: name(d),
            detail: `${(KIND_LABELS as Record<string, string>)[d.kind] ?? d.kind} since ${when(d.createdAt)}${
              late && d.meetingEndsAt ? ` — LATE: you met on ${when(d.meetingEndsAt)}` : ''
            }`,
          })),
        noReply: facts.noReply.map((c) => ({
          name: name(c),
          detail: `contacted ${when(c.since)}`,
        })),
        newReferrals: facts.newReferrals.map((c) => ({
          name: name(c),
          detail: c.referrerName ? `referred by ${c.referrerName}` : 'referred to you',
        })),
        keepInTouchDue: facts.keepInTouchDue.map((c) => ({
          name: name(c),
          detail: `update drafted ${when(c.dueAt)}`,
        })),
        putAside: facts.putAside.map((m) => putAsideSentence(m, config.timeZone)),
      });
      await queueOwnerMail(outbox(db), { kind: 'weekly_digest', ...rendered, at });
      return undefined;
    },
  };
}
