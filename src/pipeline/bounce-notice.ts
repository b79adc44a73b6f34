import { asciiDomain } from './address.js';
import type { FailureReason } from './failure-kind.js';

/**
 * What kith tells the owner when a mail did not get through but the address
 * is fine (a soft failure): what happened, in plain words, and what to do.
 * A hard failure needs no notice: the contact shows as bounced.
 */

export interface SoftBounce {
  /** The contact's name, or null when kith has none. */
  readonly name: string | null;
  readonly address: string;
  readonly reason: FailureReason;
  /** The server's own words, quoted for the curious. */
  readonly diagnostic: string | null;
}

export interface OwnerNoticeText {
  readonly title: string;
  readonly message: string;
}

/** The short phrase for a failure reason, as it reads after "your mail to Ana …". */
function failureWords(reason: FailureReason, server: string): string {
  switch (reason) {
    case 'spam-block':
      return `was blocked as spam by ${server}'s server`;
    case 'policy':
      return `was refused by ${server}'s server for a policy reason`;
    case 'mailbox-full':
      return `could not be delivered: the mailbox at ${server} is full`;
    case 'too-big':
      return `was too big for ${server}'s server`;
    case 'greylisted':
      return `was held back by ${server}'s server for now (greylisting)`;
    case 'gave-up':
      return `could not be delivered: ${server}'s server did not answer for days, so delivery was given up`;
    case 'no-such-user':
      return `could not be delivered: ${server} has no such address`;
    case 'no-such-domain':
      return `could not be delivered: the domain ${server} does not exist`;
    case 'mailbox-disabled':
      return `could not be delivered: the mailbox at ${server} is disabled`;
    default:
      return `could not be delivered by ${server}'s server`;
  }
}

function advice(reason: FailureReason, who: string): string {
  switch (reason) {
    case 'spam-block':
      return `The address is fine, so kith keeps it. Send the mail again yourself in a few hours, shorter and without links or attachments, or reach ${who} another way (LinkedIn, a shared contact) and ask them to look in their spam folder.`;
    case 'policy':
      return `The address is fine, so kith keeps it. Their company may only take mail from known senders: reach ${who} another way and ask how best to write.`;
    case 'mailbox-full':
      return `The address is fine, so kith keeps it. Send the mail again in a few days, or reach ${who} another way if it is urgent.`;
    case 'too-big':
      return 'The address is fine, so kith keeps it. Send it again without attachments (a link instead), and it will get through.';
    default:
      return `The address is fine, so kith keeps it. Send the mail again later; if it fails again, check the address with ${who} another way.`;
  }
}

/** The notice for one soft failure. */
export function softBounceNotice(bounce: SoftBounce): OwnerNoticeText {
  const who = bounce.name?.trim() || bounce.address;
  const server = asciiDomain(bounce.address);
  const words = bounce.diagnostic
    ? `\n\nThe server said: “${bounce.diagnostic.slice(0, 300)}”`
    : '';
  return {
    title: `mail to ${who} not delivered`,
    message: `Your mail to ${who} (${bounce.address}) ${failureWords(bounce.reason, server)}.\n\n${advice(bounce.reason, who)}${words}`,
  };
}
