/**
 * The outbox lifecycle as one table: which actions move a row from which
 * states, to where, and why anything else is refused. Pure: the adapter
 * (src/db/outbox-queries.ts moveOutboxRow) asks the table which states an
 * action is allowed from and moves the row atomically; every "is this draft
 * still open?" question in kith is answered by the groups below.
 *
 * DESIGN — what happens when the owner replies "approve":
 * 1. src/inbox/ingest-context.ts verifies the signed Message-ID the reply
 *    answers (src/outbox/message-id.ts), src/inbox/ingest.ts that the owner
 *    wrote it (pipeline/owner-proof.ts); src/pipeline/classify.ts returns an
 *    `owner_note` carrying the command parsed by pipeline/owner-commands.ts.
 * 2. src/inbox/ingest-store.ts records it as an `owner_command` message and
 *    hands it to the draft-command port, src/outbox/inbox-port.ts, which turns
 *    it into an OwnerCommand and calls applyOwnerCommand.
 * 3. src/outbox/draft-commands.ts applyOwnerCommand checks that the
 *    reference names that very approval request, then approveDraft: the
 *    draft must still read exactly as the request showed (its approval_text),
 *    else the owner is asked again; a text with a `[place]` left is refused
 *    (pipeline/draft-text.ts); a follow-up the contact answered since is
 *    withdrawn (outbox/withdraw.ts, pipeline/draft-validity.ts). Only then
 *    does `approve` move it to `approved` (db/outbox-queries.ts moveOutboxRow).
 * 4. The next round of src/outbox/send-loop.ts sends it through
 *    src/outbox/send-one.ts: withdrawn if the contact answered meanwhile,
 *    else `claim` (approved → sending), the transport, then `sent` — or
 *    `retry` / `fail`, and the owner is told of a failure.
 * Any refusal along the way is mailed back to the owner as a one-line notice.
 */

export const OUTBOX_STATES = [
  'drafted',
  'awaiting_approval',
  'snoozed',
  'approved',
  'sending',
  'sent',
  'skipped',
  'failed',
] as const;

export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * Open (undecided): the owner still has to decide. Nothing in these states
 * leaves kith until the owner approves it; approve, revise, snooze and skip
 * all act on them. A snoozed draft is open too: it is put aside, not decided.
 */
export const OPEN_STATES: readonly OutboxState[] = ['drafted', 'awaiting_approval', 'snoozed'];

/**
 * Waiting: open and asking for a decision now. A snoozed draft is put aside
 * until its snooze ends, so it is open but not waiting (reminders, the
 * digest and the web's counts of what waits use this).
 */
export const WAITING_STATES: readonly OutboxState[] = ['drafted', 'awaiting_approval'];

/**
 * Still to send: open, or approved and on its way. A draft in one of these
 * holds back another of the same kind (no second follow-up while the first
 * may still go out).
 */
export const STILL_TO_SEND_STATES: readonly OutboxState[] = [...OPEN_STATES, 'approved', 'sending'];

/**
 * Stoppable: nothing has left yet, so skipping it loses nothing sent — open,
 * approved but not yet claimed by the send loop, or failed (dropping a
 * failed mail only tidies it away). What a deleted contact's mail is.
 */
export const STOPPABLE_STATES: readonly OutboxState[] = [...OPEN_STATES, 'approved', 'failed'];

export function isOpen(state: OutboxState): boolean {
  return OPEN_STATES.includes(state);
}

export function isWaiting(state: OutboxState): boolean {
  return WAITING_STATES.includes(state);
}

export function isStillToSend(state: OutboxState): boolean {
  return STILL_TO_SEND_STATES.includes(state);
}

export function isStoppable(state: OutboxState): boolean {
  return STOPPABLE_STATES.includes(state);
}

interface ActionRule {
  /** The states the action moves a row from; every other state refuses it. */
  readonly from: readonly OutboxState[];
  readonly to: OutboxState;
  /** What the action does, for refusals: "cannot <words>: <reason>". */
  readonly words: string;
}

/** Every way a row moves once it exists (creation is `firstState`). */
const ACTIONS = {
  /** Mail the owner an approval request (again): after a snooze, or as a reminder. */
  ask: { from: OPEN_STATES, to: 'awaiting_approval', words: 'ask about it' },
  approve: { from: OPEN_STATES, to: 'approved', words: 'approve it' },
  /** The owner's own version: it goes back to them to approve word for word. */
  revise: { from: OPEN_STATES, to: 'awaiting_approval', words: 'change it' },
  skip: { from: STOPPABLE_STATES, to: 'skipped', words: 'skip it' },
  snooze: { from: OPEN_STATES, to: 'snoozed', words: 'snooze it' },
  /** A snooze is over and there is no owner address to ask: back to a plain draft. */
  wake: { from: ['snoozed'], to: 'drafted', words: 'wake it' },
  /** The contact answered after the follow-up was drafted: it must not go out. */
  withdraw: { from: [...OPEN_STATES, 'approved'], to: 'skipped', words: 'withdraw it' },
  /** An invitation draft overtaken by a change to its meeting, before the owner decided. */
  replace: { from: OPEN_STATES, to: 'skipped', words: 'replace it' },
  /** The send loop takes an approved row; only one claim can win. */
  claim: { from: ['approved'], to: 'sending', words: 'send it' },
  sent: { from: ['sending'], to: 'sent', words: 'record it as sent' },
  /** A temporary failure, or an interrupted send known not to have left: try again later. */
  retry: { from: ['sending'], to: 'approved', words: 'retry it' },
  fail: { from: ['sending'], to: 'failed', words: 'record it as failed' },
  /** The owner sent it themselves (from their Drafts folder): ingest saw it in Sent. */
  seen_in_sent: {
    from: OUTBOX_STATES.filter((s) => s !== 'sent'),
    to: 'sent',
    words: 'record it as sent',
  },
} as const satisfies Record<string, ActionRule>;

export type OutboxAction = keyof typeof ACTIONS;

export const OUTBOX_ACTIONS = Object.keys(ACTIONS) as readonly OutboxAction[];

/** What kith knows about a row beyond its state, to say when it was sent or skipped and why it failed. */
export interface RowDetails {
  /** When it was sent or skipped, as the owner reads dates. */
  readonly on?: string;
  /** Why the last send failed. */
  readonly error?: string;
}

const on = (d: RowDetails) => (d.on ? ` on ${d.on}` : '');

/**
 * Why a row in this state refuses an action that does not start there: the
 * one wording, for logs ("it was already sent") and for the owner ("Your
 * thank-you to Anna was already sent on 3 Dec; nothing changed.").
 */
const REFUSED_BECAUSE: Readonly<Record<OutboxState, (d: RowDetails) => string>> = {
  drafted: () => 'is a draft not approved yet',
  awaiting_approval: () => 'is waiting for approval',
  snoozed: () => 'is snoozed',
  approved: () => 'is already approved and about to be sent',
  sending: () => 'is being sent right now',
  sent: (d) => `was already sent${on(d)}`,
  skipped: (d) => `was skipped${on(d)} and not sent`,
  failed: (d) => `could not be sent${d.error ? ` (${d.error})` : ''}`,
};

export type OutboxStep =
  | { readonly allowed: true; readonly from: OutboxState; readonly to: OutboxState }
  | { readonly allowed: false; readonly from: OutboxState; readonly reason: string };

/** The table: what `action` does to a row in `state`. */
export function outboxStep(state: OutboxState, action: OutboxAction): OutboxStep {
  const rule: ActionRule = ACTIONS[action];
  if (rule.from.includes(state)) return { allowed: true, from: state, to: rule.to };
  return { allowed: false, from: state, reason: `it ${REFUSED_BECAUSE[state]({})}` };
}

/** The states `action` moves a row from: what the adapter's UPDATE … WHERE state IN uses. */
export function allowedFrom(action: OutboxAction): readonly OutboxState[] {
  return ACTIONS[action].from;
}

/** Where `action` moves a row (the same from every state it is allowed from). */
export function targetOf(action: OutboxAction): OutboxState {
  return ACTIONS[action].to;
}

/** "cannot approve it: it was already sent" — for logs. */
export function refusalSentence(action: OutboxAction, reason: string): string {
  return `cannot ${ACTIONS[action].words}: ${reason}`;
}

/**
 * The owner's one-line answer to a command their draft's state refuses:
 * `what` names the draft ("Your thank-you to Anna").
 */
export function ownerRefusal(what: string, state: OutboxState, details: RowDetails): string {
  return `${what} ${REFUSED_BECAUSE[state](details)}; nothing changed.`;
}

/**
 * Where a new row starts. Mail to the owner is approved at once; mail to a
 * contact is a draft, awaiting approval when the owner is asked by mail, else
 * plain `drafted` (no owner address, or the owner is deciding on the web now).
 */
export function firstState(audience: 'owner' | 'contact', ownerAsked: boolean): OutboxState {
  if (audience === 'owner') return 'approved';
  return ownerAsked ? 'awaiting_approval' : 'drafted';
}
