import { Hono } from 'hono';
import { loadBoard } from '../../db/board-queries.js';
import { latestManualMoves, undoManualMoves } from '../../db/move-undo.js';
import { BadInputError } from '../../errors.js';
import { nextStepsByContact } from '../../pipeline/next-step.js';
import { isStage, SIDE_EXITS, type Stage } from '../../pipeline/stages.js';
import { loadContactSnapshot } from '../../scheduler/contact-snapshot.js';
import { scheduleSettings } from '../../scheduler/settings.js';
import { moveContact } from '../actions.js';
import { backTo, cachedPage, chromeFor, formFields, redirectWith } from '../context.js';
import type { WebDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { html } from '../html.js';
import { minuteOf, type PageCache } from '../stamp-cache.js';
import { boardBody } from '../views/board.js';
import { startHint } from '../views/getting-started.js';
import { page } from '../views/layout.js';
import { undoIds, undoMoveForm } from '../views/undo-move.js';
import { confirmMovePastMeeting, notYetMet } from './confirm-pages.js';

/** Cards per column (fewer for the side exits); the rest is one click away in the contact list. */
const CARDS_PER_COLUMN = 20;
const CARDS_PER_SIDE_COLUMN = 8;

const cardsFor = (stage: Stage) =>
  SIDE_EXITS.includes(stage) ? CARDS_PER_SIDE_COLUMN : CARDS_PER_COLUMN;

/** GET / — the pipeline board. */
export function boardRoutes(deps: WebDeps, cache: PageCache): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => {
    const now = deps.now();
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    // The board changes only when the data does (or a minute passes: "days in stage").
    return cachedPage(c, cache, `board:${minuteOf(now)}:${q}`, async () => {
      const columns = await loadBoard(deps.db, { now, perColumn: cardsFor, q });
      // The next steps of the shown cards only, from the scheduler's own planner.
      const shown = columns.flatMap((col) => col.cards.map((card) => card.id));
      const nextSteps = nextStepsByContact(
        await loadContactSnapshot(deps.db, shown, now),
        now.toISOString(),
        scheduleSettings(deps.config),
      );
      const chrome = await chromeFor(c, deps);
      const board = boardBody({
        columns,
        now,
        timeZone: deps.config.timeZone,
        csrfToken: chrome.csrfToken,
        nextSteps,
        q,
      });
      const empty = q === '' && columns.every((column) => column.count === 0);
      // Only right after a move (never cached): a cached page must not carry one.
      const undo = c.req.query('msg') === 'moved' ? undoIds(c.req.query('undo')) : [];
      const body = html`${undo.length > 0 ? undoMoveForm(undo, chrome.csrfToken, '/') : ''}${empty ? startHint(deps.config.serviceAddress, 'Nobody on the board yet') : ''}${board}`;
      return page({ title: 'Board', active: 'board', chrome, wide: true, body }).value;
    });
  });

  // One form per column: the ticked cards move to the chosen stage, each recorded with the reason.
  app.post('/board/move', async (c) => {
    const body = await c.req.parseBody({ all: true });
    const ids = [body.id ?? []]
      .flat()
      .map((v) => (typeof v === 'string' ? Number(v) : Number.NaN))
      .filter((id) => Number.isInteger(id) && id > 0);
    if (ids.length === 0) return redirectWith(c, '/', 'choose_cards');
    const to = typeof body.to === 'string' ? body.to : '';
    if (!isStage(to)) throw new BadInputError(`"${to}" is not a stage.`);
    const reason = typeof body.reason === 'string' ? body.reason : null;
    const unique = [...new Set(ids)];
    const meetingConfirmed = body.confirm === 'yes';
    if (!meetingConfirmed) {
      const notYet = await notYetMet(deps.db, unique, to, deps.now());
      if (notYet.length > 0) {
        return confirmMovePastMeeting(c, deps, {
          to,
          notYet,
          action: '/board/move',
          fields: [
            ...unique.map((id) => ['id', String(id)] as const),
            ['to', to],
            ['reason', reason ?? ''],
          ],
          back: '/',
        });
      }
    }
    const moved: number[] = [];
    for (const id of unique) {
      const result = await moveContact(deps.db, id, to, reason, deps.now(), { meetingConfirmed });
      if (result.moved) moved.push(id);
    }
    if (moved.length === 0) return redirectWith(c, '/', 'not_moved');
    const undo = await latestManualMoves(deps.db, moved);
    // The flash first, as for every other move; the undo button reads `undo`.
    return c.redirect(`/?msg=moved&undo=${undo.join('.')}`, 303);
  });

  // Takes back the moves an undo button names (their history rows).
  app.post('/board/undo', async (c) => {
    const f = await formFields(c);
    const undone = await undoManualMoves(deps.db, undoIds(f.moves), deps.now());
    return redirectWith(c, backTo(f, '/'), undone > 0 ? 'move_undone' : 'move_not_undone');
  });

  return app;
}
