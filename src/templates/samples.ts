import type {
  MeetingView,
  OwnerView,
  PersonView,
  TemplateContexts,
  TemplateName,
} from './contexts.js';

/**
 * Two sample contexts per template, used at start to render every template
 * once in strict mode: `full` has every optional part present and every list
 * filled (so `{{#if}}`/`{{#each}}` bodies run), `sparse` has them null or
 * empty (so `{{else}}` branches run). A template that reads a name that is
 * not in its context fails here, before any real mail is made.
 */

const owner: OwnerView = {
  name: 'Sam Rivera',
  firstName: 'Sam',
  email: 'sam@example.org',
  timeZone: 'Europe/Berlin',
  intro:
    'I spent six years in hospital logistics and am exploring a move into supply-chain analytics.',
};

const person = (name: string, company: string | null, title: string | null): PersonView => ({
  name,
  firstName: name.split(' ')[0] ?? name,
  email: `${name.split(' ')[0]?.toLowerCase()}@example.com`,
  company,
  title,
});

const ana = person('Ana Souza', 'Acme Logistics', 'Data engineer');
const bob = person('Bob Lee', 'Northwind', 'Operations lead');
const nameless: PersonView = {
  name: null,
  firstName: '',
  email: 'x@example.com',
  company: null,
  title: null,
};

const meeting: MeetingView = {
  startsAt: '2026-12-03T14:00:00.000Z',
  endsAt: '2026-12-03T14:30:00.000Z',
  timeZone: 'America/New_York',
  mode: 'video',
  location: 'https://meet.example.com/abc-defg',
  durationMinutes: 30,
};
const phoneMeeting: MeetingView = { ...meeting, mode: 'phone', location: null };

type Samples = {
  readonly [K in TemplateName]: readonly [TemplateContexts[K], TemplateContexts[K]];
};

export const SAMPLE_CONTEXTS: Samples = {
  outreach: [
    { owner, contact: ana, referrer: bob, howFound: null },
    { owner: { ...owner, intro: null }, contact: nameless, referrer: null, howFound: null },
  ],
  follow_up: [
    {
      owner,
      contact: ana,
      referrer: bob,
      previousSubject: 'Bob Lee suggested I get in touch',
      daysSince: 8,
      followUpNumber: 1,
    },
    {
      owner,
      contact: nameless,
      referrer: null,
      previousSubject: 'A question',
      daysSince: 15,
      followUpNumber: 2,
    },
  ],
  thank_you: [
    {
      owner,
      contact: ana,
      meeting,
      advice: ['Learn SQL window functions', 'Talk to the planning team'],
      referrals: [bob],
    },
    { owner, contact: nameless, meeting: null, advice: [], referrals: [] },
  ],
  keep_in_touch: [
    {
      owner,
      contact: ana,
      advice: ['Learn SQL window functions'],
      lastMetAt: meeting.startsAt,
      monthsSince: 3,
      referralsMet: [bob],
    },
    {
      owner,
      contact: nameless,
      advice: [],
      lastMetAt: null,
      monthsSince: null,
      referralsMet: [],
    },
  ],
  referrer_update: [
    { owner, referrer: bob, referred: ana, meeting, advice: ['Learn SQL window functions'] },
    { owner, referrer: nameless, referred: nameless, meeting: null, advice: [] },
  ],
  prep_brief: [
    {
      owner,
      contact: { ...ana, linkedinUrl: 'https://www.linkedin.com/in/ana', stage: 'scheduled' },
      meeting,
      howWeMet: 'Referred by Bob Lee (Northwind)',
      referralChain: [bob],
      notes: ['Moved from retail to logistics in 2019'],
      advice: ['Read the annual report'],
      recentMessages: [
        {
          date: '2026-11-20T10:00:00.000Z',
          direction: 'in',
          subject: 'Re: coffee?',
          text: 'Thursday works.',
        },
      ],
    },
    {
      owner,
      contact: { ...nameless, linkedinUrl: null, stage: 'scheduled' },
      meeting: phoneMeeting,
      howWeMet: 'You wrote first',
      referralChain: [],
      notes: [],
      advice: [],
      recentMessages: [],
    },
  ],
  post_meeting_prompt: [
    { owner, contact: ana, meeting },
    { owner, contact: nameless, meeting: phoneMeeting },
  ],
  approval_request: [
    {
      owner,
      contact: ana,
      draft: {
        id: 42,
        kindLabel: 'thank-you note',
        to: 'Ana Souza <ana@example.com>',
        subject: 'Thank you',
        text: 'Hi Ana,\n\nThank you. [One thing you learned.]\n\nSam',
        places: ['[One thing you learned.]'],
        placesLabel: '1 place to fill in',
      },
      askedBefore: 1,
      reason: 'again',
    },
    {
      owner,
      contact: nameless,
      draft: {
        id: 7,
        kindLabel: 'follow-up',
        to: 'x@example.com',
        subject: 'Re: A question',
        text: 'Hello,\n\nSam',
        places: [],
        placesLabel: '',
      },
      askedBefore: 0,
      reason: 'revision',
    },
  ],
  weekly_digest: [
    {
      owner,
      periodStart: '2026-11-23T00:00:00.000Z',
      periodEnd: '2026-11-30T00:00:00.000Z',
      funnel: { outreach: 5, replies: 3, meetings: 2, thankYous: 1 },
      stageCounts: [
        { stage: 'contacted', count: 4 },
        { stage: 'met', count: 1 },
      ],
      upcoming: [{ name: 'Ana Souza', startsAt: meeting.startsAt, timeZone: meeting.timeZone }],
      awaitingApproval: [{ name: 'Ana Souza', detail: 'thank-you note' }],
      noReply: [{ name: 'Bob Lee', detail: 'no reply for 9 days' }],
      newReferrals: [{ name: 'Cleo Park', detail: 'referred by Ana Souza' }],
      keepInTouchDue: [{ name: 'Dan Wu', detail: 'last in touch 3 months ago' }],
      putAside: [
        'A reply from Ana Souza (ana@acme.example) on Thu 3 Dec was put aside: too large (31 MB)',
      ],
    },
    {
      owner,
      periodStart: '2026-11-23T00:00:00.000Z',
      periodEnd: '2026-11-30T00:00:00.000Z',
      funnel: { outreach: 0, replies: 0, meetings: 0, thankYous: 0 },
      stageCounts: [],
      upcoming: [],
      awaitingApproval: [],
      noReply: [],
      newReferrals: [],
      keepInTouchDue: [],
      putAside: [],
    },
  ],
  send_failed: [
    {
      owner,
      mail: {
        kindLabel: 'thank-you note',
        to: 'Ana Souza',
        address: 'ana@example.com',
        subject: 'Thank you',
      },
      error: '550 5.1.1 mailbox unavailable',
      attempts: 1,
      uncertain: false,
    },
    {
      owner,
      mail: {
        kindLabel: 'follow-up',
        to: 'x@example.com',
        address: 'x@example.com',
        subject: 'Re: A question',
      },
      error: 'kith stopped while sending',
      attempts: 1,
      uncertain: true,
    },
  ],
  notice: [
    { owner, title: 'Already sent', message: 'That draft was already sent on 1 Dec.' },
    { owner, title: 'Refused', message: 'Nothing changed.' },
  ],
};
