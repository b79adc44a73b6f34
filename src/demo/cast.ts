import type { QuoteStyle } from './eml.js';

/**
 * Over 400 lines because it is data: one entry per person of the demo.
 *
 * The demo's people and what happens with each: a fixed cast, so every run
 * tells the same story. `ends` is the stage the story leads to; `day` is the
 * outreach day counted from the start of the simulated months.
 */

type Story =
  | 'keeping_in_touch'
  | 'thanked'
  | 'met'
  | 'scheduled'
  | 'replied'
  | 'contacted'
  | 'contacted_ooo'
  | 'follow_up_waiting'
  | 'declined'
  | 'no_response'
  | 'bounced'
  | 'archived'
  | 'prospect';

export interface CastMember {
  readonly name: string;
  readonly address: string;
  readonly company: string;
  readonly role: string;
  readonly story: Story;
  /** Outreach day (0 = the first simulated day); for prospects, unused. */
  readonly day: number;
  readonly style: QuoteStyle;
  /** How they book: proposing a time in words, or sending a calendar invite. */
  readonly books?: 'proposes' | 'invites';
  /** Index of the cast member whose notes named them as a referral. */
  readonly referredBy?: string;
  /** What the owner writes back after the meeting. */
  readonly notes?: {
    readonly note: string;
    readonly advice: readonly string[];
    readonly referrals: readonly string[];
    readonly cadence?: string;
  };
  readonly decline?: string;
}

const p = (m: CastMember) => m;

/** The simulated span in days; the last day is the day the demo is run. */
export const DEMO_DAYS = 120;

export const CAST: readonly CastMember[] = [
  // Met early, thanked, and the 60-day cadence came round: keeping in touch.
  p({
    name: 'Maria Lopez',
    address: 'maria.lopez@globex.example',
    company: 'Globex',
    role: 'Head of Product',
    story: 'keeping_in_touch',
    day: 2,
    style: 'gmail',
    books: 'proposes',
    notes: {
      note: 'Great chat. She thinks B2B product is a better first step than consumer.',
      advice: ['Read Inspired by Marty Cagan', 'Shadow a discovery interview before applying'],
      referrals: ['priya'],
      cadence: '60d',
    },
  }),
  p({
    name: 'Jonas Weber',
    address: 'jonas@weber-analytics.example',
    company: 'Weber Analytics',
    role: 'Founder',
    story: 'keeping_in_touch',
    day: 4,
    style: 'gmail-de',
    books: 'invites',
    notes: {
      note: 'Runs a 12-person analytics consultancy; hires generalists with SQL.',
      advice: ['Learn SQL window functions properly'],
      referrals: ['lena', 'noah'],
      cadence: '60d',
    },
  }),
  p({
    name: 'Aisha Khan',
    address: 'aisha.khan@northwind.example',
    company: 'Northwind',
    role: 'Data Science Manager',
    story: 'keeping_in_touch',
    day: 6,
    style: 'outlook',
    books: 'proposes',
    notes: {
      note: 'Very generous with time. Team is hiring in spring.',
      advice: ['Put one end-to-end project on GitHub with a write-up'],
      referrals: ['tomas'],
      cadence: '60d',
    },
  }),
  // Met, thanked; the keep-in-touch cadence has not come round yet.
  p({
    name: 'Priya Nair',
    address: 'priya.nair@initech.example',
    company: 'Initech',
    role: 'Senior PM',
    story: 'thanked',
    day: 30,
    style: 'apple',
    books: 'invites',
    referredBy: 'maria',
    notes: {
      note: 'Initech moves PMs between teams every 18 months.',
      advice: ['Ask for the team charter in interviews'],
      referrals: ['sofia'],
    },
  }),
  p({
    name: 'Lena Fischer',
    address: 'lena.fischer@umbrella.example',
    company: 'Umbrella',
    role: 'UX Research Lead',
    story: 'thanked',
    day: 38,
    style: 'gmail-de',
    books: 'proposes',
    referredBy: 'jonas',
    notes: {
      note: 'Research ops is a good bridge role.',
      advice: ['Join the ResearchOps community Slack'],
      referrals: [],
    },
  }),
  p({
    name: 'David Cohen',
    address: 'dcohen@hooli.example',
    company: 'Hooli',
    role: 'Engineering Manager',
    story: 'thanked',
    day: 45,
    style: 'gmail',
    books: 'proposes',
    notes: {
      note: 'Candid about the on-call load.',
      advice: ['Talk to someone on the platform team too'],
      referrals: ['kenji'],
    },
  }),
  p({
    name: 'Chloé Martin',
    address: 'chloe.martin@soylent.example',
    company: 'Soylent',
    role: 'Product Designer',
    story: 'thanked',
    day: 52,
    style: 'apple',
    books: 'invites',
    notes: {
      note: 'Portfolio review offered for later.',
      advice: ['Show process, not just polished screens'],
      referrals: [],
    },
  }),
  p({
    name: 'Tomás Silva',
    address: 'tomas.silva@vandelay.example',
    company: 'Vandelay',
    role: 'Ops Director',
    story: 'thanked',
    day: 58,
    style: 'outlook',
    books: 'proposes',
    referredBy: 'aisha',
    notes: {
      note: 'Ops roles want numbers people who can talk to warehouses.',
      advice: ['Learn basic forecasting in a spreadsheet'],
      referrals: [],
    },
  }),
  // Met in the last days: the thank-you draft waits for the owner's approval.
  p({
    name: 'Kenji Watanabe',
    address: 'kenji@stark.example',
    company: 'Stark Industries',
    role: 'Staff Engineer',
    story: 'met',
    day: 100,
    style: 'gmail',
    books: 'proposes',
    referredBy: 'david',
    notes: {
      note: 'Strong opinions on platform teams.',
      advice: ['Read Team Topologies'],
      referrals: [],
    },
  }),
  p({
    name: 'Hannah Schmidt',
    address: 'hannah.schmidt@cyberdyne.example',
    company: 'Cyberdyne',
    role: 'Product Analyst',
    story: 'met',
    day: 102,
    style: 'gmail-de',
    books: 'invites',
    notes: {
      note: 'Analyst to PM path is common at Cyberdyne.',
      advice: ['Own one metric end to end'],
      referrals: ['elif'],
    },
  }),
  p({
    name: 'Samuel Okafor',
    address: 'samuel.okafor@wayne.example',
    company: 'Wayne Enterprises',
    role: 'VP Strategy',
    story: 'met',
    day: 104,
    style: 'outlook',
    books: 'proposes',
    notes: {
      note: 'Big-company strategy is mostly slides; he was honest about it.',
      advice: [],
      referrals: [],
    },
  }),
  p({
    name: 'Elena Petrova',
    address: 'elena.petrova@massive.example',
    company: 'Massive Dynamic',
    role: 'CTO',
    story: 'met',
    day: 105,
    style: 'apple',
    books: 'invites',
    notes: {
      note: 'Short call, she had to leave early.',
      advice: ['Write about what you learn, publicly'],
      referrals: [],
    },
  }),
  // Meeting booked, still ahead.
  p({
    name: 'Sofia Rossi',
    address: 'sofia.rossi@oscorp.example',
    company: 'Oscorp',
    role: 'Growth Lead',
    story: 'scheduled',
    day: 106,
    style: 'gmail',
    books: 'invites',
    referredBy: 'priya',
  }),
  p({
    name: 'Omar Haddad',
    address: 'omar.haddad@tyrell.example',
    company: 'Tyrell',
    role: 'Product Manager',
    story: 'scheduled',
    day: 108,
    style: 'outlook',
    books: 'proposes',
  }),
  p({
    name: 'Emma Johansson',
    address: 'emma.j@aperture.example',
    company: 'Aperture',
    role: 'Design Manager',
    story: 'scheduled',
    day: 110,
    style: 'apple',
    books: 'invites',
  }),
  p({
    name: 'Lucas Moreau',
    address: 'lucas.moreau@gringotts.example',
    company: 'Gringotts',
    role: 'Risk Analyst',
    story: 'scheduled',
    day: 111,
    style: 'gmail',
    books: 'proposes',
  }),
  // Replied, nothing booked yet.
  p({
    name: 'Noah Becker',
    address: 'noah.becker@pied-piper.example',
    company: 'Pied Piper',
    role: 'CEO',
    story: 'replied',
    day: 112,
    style: 'gmail-de',
    books: 'proposes',
    referredBy: 'jonas',
  }),
  p({
    name: 'Fatima Zahra',
    address: 'fatima.zahra@dunder.example',
    company: 'Dunder Mifflin',
    role: 'Regional Manager',
    story: 'replied',
    day: 114,
    style: 'outlook',
  }),
  p({
    name: 'Grace Liu',
    address: 'grace.liu@monarch.example',
    company: 'Monarch',
    role: 'Data Engineer',
    story: 'replied',
    day: 115,
    style: 'gmail',
    books: 'proposes',
  }),
  p({
    name: 'Mateo García',
    address: 'mateo.garcia@acme.example',
    company: 'Acme',
    role: 'Product Owner',
    story: 'replied',
    day: 116,
    style: 'apple',
  }),
  // Contacted: waiting for a reply.
  p({
    name: 'Olivia Brown',
    address: 'olivia.brown@contoso.example',
    company: 'Contoso',
    role: 'PM Lead',
    story: 'contacted',
    day: 116,
    style: 'gmail',
  }),
  p({
    name: 'Ethan Clark',
    address: 'ethan.clark@fabrikam.example',
    company: 'Fabrikam',
    role: 'Analytics Manager',
    story: 'contacted',
    day: 117,
    style: 'gmail',
  }),
  p({
    name: 'Yuki Tanaka',
    address: 'yuki.tanaka@tessier.example',
    company: 'Tessier-Ashpool',
    role: 'Research Scientist',
    story: 'contacted',
    day: 118,
    style: 'gmail',
  }),
  p({
    name: 'Anna Berg',
    address: 'anna.berg@blue-sun.example',
    company: 'Blue Sun',
    role: 'Head of Data',
    story: 'contacted_ooo',
    day: 114,
    style: 'gmail',
  }),
  p({
    name: 'Ravi Patel',
    address: 'ravi.patel@prestige.example',
    company: 'Prestige Worldwide',
    role: 'Product Manager',
    story: 'follow_up_waiting',
    day: 109,
    style: 'gmail',
  }),
  // Said no.
  p({
    name: 'Sarah Wilson',
    address: 'sarah.wilson@globo.example',
    company: 'Globo Gym',
    role: 'COO',
    story: 'declined',
    day: 20,
    style: 'gmail',
    decline:
      "I'm afraid I don't have the time for this right now, sorry. Good luck with the search!",
  }),
  p({
    name: 'Markus Vogel',
    address: 'markus.vogel@kraftwerk.example',
    company: 'Kraftwerk',
    role: 'Bereichsleiter',
    story: 'declined',
    day: 48,
    style: 'gmail-de',
    decline: 'Leider habe ich in den nächsten Monaten keine Zeit für ein Gespräch. Viel Erfolg!',
  }),
  p({
    name: 'Julia Costa',
    address: 'julia.costa@virtucon.example',
    company: 'Virtucon',
    role: 'Director of Product',
    story: 'declined',
    day: 75,
    style: 'outlook',
    decline:
      "Thanks for thinking of me, but I'm not able to take on calls like this at the moment.",
  }),
  // Never answered, two follow-ups later.
  p({
    name: 'Brian Murphy',
    address: 'brian.murphy@sterling.example',
    company: 'Sterling Cooper',
    role: 'Creative Director',
    story: 'no_response',
    day: 10,
    style: 'none',
  }),
  p({
    name: 'Ines Almeida',
    address: 'ines.almeida@nakatomi.example',
    company: 'Nakatomi',
    role: 'Strategy Manager',
    story: 'no_response',
    day: 24,
    style: 'none',
  }),
  p({
    name: 'Peter Novak',
    address: 'peter.novak@spacely.example',
    company: 'Spacely Sprockets',
    role: 'Plant Manager',
    story: 'no_response',
    day: 60,
    style: 'none',
  }),
  // The address was wrong.
  p({
    name: 'Carlos Mendes',
    address: 'c.mendes@old-employer.example',
    company: 'Old Employer',
    role: 'Product Lead',
    story: 'bounced',
    day: 15,
    style: 'none',
  }),
  p({
    name: 'Nina Kowalski',
    address: 'nina.kowalski@defunct.example',
    company: 'Defunct Labs',
    role: 'Founder',
    story: 'bounced',
    day: 70,
    style: 'none',
  }),
  // Replied long ago, then archived by hand from the board.
  p({
    name: 'George Evans',
    address: 'george.evans@bluth.example',
    company: 'Bluth Company',
    role: 'Sales Director',
    story: 'archived',
    day: 8,
    style: 'outlook',
  }),
  p({
    name: 'Mia Schulz',
    address: 'mia.schulz@wonka.example',
    company: 'Wonka',
    role: 'Brand Manager',
    story: 'archived',
    day: 35,
    style: 'gmail-de',
  }),
  // Named as referrals in the owner's notes; not contacted yet.
  p({
    name: 'Elif Yılmaz',
    address: 'elif.yilmaz@cyberdyne.example',
    company: 'Cyberdyne',
    role: 'Group PM',
    story: 'prospect',
    day: 0,
    style: 'none',
    referredBy: 'hannah',
  }),
  p({
    name: 'Daniel Kim',
    address: 'daniel.kim@initech.example',
    company: 'Initech',
    role: 'PM',
    story: 'prospect',
    day: 0,
    style: 'none',
    referredBy: 'priya',
  }),
  p({
    name: 'Laura Rossi',
    address: 'laura.rossi@umbrella.example',
    company: 'Umbrella',
    role: 'Researcher',
    story: 'prospect',
    day: 0,
    style: 'none',
    referredBy: 'lena',
  }),
  p({
    name: 'Arjun Mehta',
    address: 'arjun.mehta@hooli.example',
    company: 'Hooli',
    role: 'Platform Lead',
    story: 'prospect',
    day: 0,
    style: 'none',
    referredBy: 'david',
  }),
  p({
    name: 'Zoe Adams',
    address: 'zoe.adams@soylent.example',
    company: 'Soylent',
    role: 'Design Director',
    story: 'prospect',
    day: 0,
    style: 'none',
    referredBy: 'chloe',
  }),
];

/** The short key of a member: the first name, lower-cased and without accents. */
export function keyOf(m: CastMember): string {
  return (m.name.split(' ')[0] ?? m.name)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

export function member(key: string): CastMember {
  const found = CAST.find((m) => keyOf(m) === key);
  if (!found) throw new Error(`no demo cast member ${key}`);
  return found;
}

/** Who a member's notes name as referrals, including the prospects that point back at them. */
export function referralsOf(m: CastMember): CastMember[] {
  const key = keyOf(m);
  const named = new Set(m.notes?.referrals ?? []);
  for (const other of CAST) if (other.referredBy === key) named.add(keyOf(other));
  return [...named].map(member);
}
