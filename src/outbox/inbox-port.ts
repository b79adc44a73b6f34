import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { DraftCommandHandler, DraftCommandRequest } from '../inbox/ingest-store.js';
import type { Logger } from '../log.js';
import type { Templates } from '../templates/render.js';
import { applyOwnerCommand, type OwnerCommand } from './draft-commands.js';
import { type OutboxContext, queueOwnerNotice } from './drafts.js';
import { draftInvitation } from './invitations.js';
import { snoozeEnd } from './snooze-end.js';

/**
 * The outbox side of the inbox's draft-command port: the owner's trusted
 * reply (already read by the pure parser in src/pipeline/owner-commands.ts)
 * becomes approve / revise / skip / snooze through applyOwnerCommand — the
 * same function the web UI's buttons reach. Whatever changed nothing, or
 * could not be read, is answered with a one-line notice to the owner.
 */

export interface DraftCommandPortOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly templates?: Templates;
}

/** Translates the parsed reply into the outbox's command, or explains why it cannot. */
export function toOwnerCommand(request: DraftCommandRequest, config: Config): OwnerCommand | null {
  const { command, revision } = request;
  if (command?.type === 'approve') return { type: 'approve' };
  if (command?.type === 'skip') return { type: 'skip' };
  if (command?.type === 'snooze') {
    const until = snoozeEnd(config, command.snooze, request.at);
    return until
      ? { type: 'snooze', until }
      : {
          type: 'unclear',
          reason: `"${command.snooze.text}" is not a time in the future kith understands; try "snooze 3d" or "snooze until monday"`,
        };
  }
  if (revision !== null) return { type: 'revise', text: revision };
  return null;
}

export function createDraftCommandHandler(options: DraftCommandPortOptions): DraftCommandHandler {
  const { config, logger } = options;
  return {
    async handle(db: Db, request: DraftCommandRequest): Promise<string> {
      const ctx: OutboxContext = {
        db,
        config,
        logger,
        ...(options.templates ? { templates: options.templates } : {}),
      };
      const command = toOwnerCommand(request, config);
      const answers: string[] = [];
      let changed = false;
      if (command) {
        const result = await applyOwnerCommand(ctx, request.reference.ref, command, request.at);
        answers.push(result.message);
        changed = result.ok;
        // The log says so too: a forged or misdirected command must leave a trace.
        if (!result.ok) logger.warn(`owner command refused: ${result.message}`);
      }
      if (request.notUnderstood !== null) {
        answers.push(
          `Your reply changed nothing: ${request.notUnderstood}. The draft keeps waiting, and your words were kept as a private note.`,
        );
      }
      if (request.problems.length > 0) {
        answers.push(
          `kith could not read: ${request.problems.map((p) => `“${p}”`).join('; ')}${changed ? '' : ' — nothing changed'}.`,
        );
      }
      if (answers.length === 0) return 'no draft command in the reply';
      if (!changed || request.problems.length > 0 || request.notUnderstood !== null) {
        await queueOwnerNotice(ctx, {
          title: command ? 'nothing changed' : 'reply not understood',
          message: answers.join('\n\n'),
          at: request.at,
          contactId: request.reference.contactId,
        });
      }
      return answers.join(' ');
    },
    meetingChanged(db: Db, meetingId: number, at: string): Promise<string | null> {
      const ctx: OutboxContext = {
        db,
        config,
        logger,
        ...(options.templates ? { templates: options.templates } : {}),
      };
      return draftInvitation(ctx, meetingId, at);
    },
    async notifyOwner(db: Db, notice): Promise<void> {
      const ctx: OutboxContext = {
        db,
        config,
        logger,
        ...(options.templates ? { templates: options.templates } : {}),
      };
      await queueOwnerNotice(ctx, notice);
    },
  };
}
