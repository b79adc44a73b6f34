/**
 * Bounce, auto-reply and invite sections of `npm run bench:accuracy`
 * (issue 19), each on kith's own corpus through prepareMail and classify:
 * delivery failures recognised, failed addresses found, hard and soft told
 * apart (by mail system), auto-replies and challenges counted as a reply
 * (the goal is none), invite events read right — with every failure listed.
 */
import {
  type AutoReplyOutcome,
  loadAutoReplyCorpus,
  runAutoReplyCase,
} from '../test/inbox/auto-reply-corpus.js';
import {
  type BounceOutcome,
  loadBounceCorpus,
  runBounceCase,
} from '../test/inbox/bounce-corpus.js';
import {
  type InviteOutcome,
  loadInviteCorpus,
  runInviteCase,
} from '../test/inbox/invite-corpus.js';
import type { AccuracySection } from './accuracy-replies.js';

function share(right: number, total: number): string {
  const pct = total === 0 ? 100 : (right / total) * 100;
  return `${right}/${total} (${pct.toFixed(1)}%)`;
}

function byGroup<T>(items: readonly T[], key: (t: T) => string, ok: (t: T) => boolean): string[] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, group]) => `  ${name.padEnd(22)} ${share(group.filter(ok).length, group.length)}`);
}

export async function bounceAccuracy(): Promise<AccuracySection[]> {
  const outcomes: BounceOutcome[] = [];
  for (const c of loadBounceCorpus()) outcomes.push(await runBounceCase(c));
  const failures = outcomes.filter((o) => o.case.failed.length > 0);
  const others = outcomes.filter((o) => o.case.failed.length === 0);
  const systems = new Set(failures.map((o) => o.case.system));
  const recognised = failures.filter((o) => o.recognised).length;
  const addresses = failures.filter((o) => o.addressesRight).length;
  const severity = failures.filter((o) => o.severityRight).length;
  const wrong = (pick: (o: BounceOutcome) => boolean) =>
    outcomes
      .filter((o) => !pick(o))
      .map(
        (o) =>
          `  ${o.case.name}: expected ${o.case.failed.join(', ') || 'no failure'} ${o.case.severity ?? ''}; got ${o.got}`,
      );
  const listed = (title: string, lines: string[]) =>
    lines.length === 0 ? [`${title}: none`] : [`${title} (${lines.length}):`, ...lines];
  const head = [
    `${failures.length} failure reports from ${systems.size} mail systems and forms, ${others.length} delay warnings, success notices and human mail`,
    '',
  ];
  return [
    {
      title: 'Bounces recognised',
      lines: [
        ...head,
        `failures recognised: ${share(recognised, failures.length)}`,
        `delays, notices and human mail left alone: ${share(others.filter((o) => o.recognised).length, others.length)}`,
        '',
        'by mail system:',
        ...byGroup(
          failures,
          (o) => o.case.system,
          (o) => o.recognised,
        ),
        '',
        ...listed(
          'failures',
          wrong((o) => o.recognised),
        ),
      ],
      right: recognised + others.filter((o) => o.recognised).length,
      total: outcomes.length,
    },
    {
      title: 'Failed addresses found',
      lines: [
        `every failed address found, nothing else: ${share(addresses, failures.length)}`,
        '',
        'by mail system:',
        ...byGroup(
          failures,
          (o) => o.case.system,
          (o) => o.addressesRight,
        ),
        '',
        ...listed(
          'failures',
          wrong((o) => o.addressesRight),
        ),
      ],
      right: addresses,
      total: failures.length,
    },
    {
      title: 'Hard and soft failures told apart',
      lines: [
        `right verdict: ${share(severity, failures.length)}`,
        '',
        'by failure kind:',
        ...byGroup(
          failures,
          (o) => `${o.case.kind} (${o.case.severity})`,
          (o) => o.severityRight,
        ),
        '',
        ...listed(
          'failures',
          wrong((o) => o.severityRight),
        ),
      ],
      right: severity,
      total: failures.length,
    },
  ];
}

export async function autoReplyAccuracy(): Promise<AccuracySection> {
  const outcomes: AutoReplyOutcome[] = [];
  for (const c of loadAutoReplyCorpus()) outcomes.push(await runAutoReplyCase(c));
  const ok = (o: AutoReplyOutcome) => !o.countedAsReply && !o.timeProposed;
  const counted = outcomes.filter((o) => o.countedAsReply).length;
  const timed = outcomes.filter((o) => o.timeProposed).length;
  const wrong = outcomes.filter((o) => !ok(o));
  return {
    title: 'Auto-replies and challenges not taken for replies',
    lines: [
      `counted as a human reply: ${counted} of ${outcomes.length} (goal: 0)`,
      `a meeting time read from one: ${timed}`,
      '',
      'by category:',
      ...byGroup(outcomes, (o) => o.case.category, ok),
      '',
      ...(wrong.length === 0
        ? ['failures: none']
        : [
            `failures (${wrong.length}):`,
            ...wrong.map(
              (o) => `  ${o.case.name}: ${o.got}${o.timeProposed ? ', time proposed' : ''}`,
            ),
          ]),
    ],
    right: outcomes.length - wrong.length,
    total: outcomes.length,
  };
}

export async function inviteAccuracy(): Promise<AccuracySection> {
  const outcomes: InviteOutcome[] = [];
  for (const c of loadInviteCorpus()) outcomes.push(await runInviteCase(c));
  const events = outcomes.reduce((n, o) => n + o.case.events.length, 0);
  const right = outcomes.reduce((n, o) => n + o.right, 0);
  const wrong = outcomes.filter((o) => o.right !== o.case.events.length);
  return {
    title: 'Invite events right',
    lines: [
      `${outcomes.length} calendar files, ${events} events`,
      `events right (count, instants, zone, action): ${share(right, events)}`,
      `files read fully right: ${share(outcomes.length - wrong.length, outcomes.length)}`,
      '',
      'by file:',
      ...byGroup(
        outcomes,
        (o) => o.case.name.replace(/^.*\//, '').replace(/\.ics$/, ''),
        (o) => o.right === o.case.events.length,
      ),
      '',
      ...(wrong.length === 0
        ? ['failures: none']
        : [
            `failures (${wrong.length}):`,
            ...wrong.map(
              (o) =>
                `  ${o.case.name}: expected ${o.case.events.map((e) => `${e.start}–${e.end} ${e.timeZone}`).join('; ')}; got ${o.got}`,
            ),
          ]),
    ],
    right,
    total: events,
  };
}
