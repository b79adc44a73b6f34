import { type MessagePort, parentPort } from 'node:worker_threads';
import { BadInputError } from '../errors.js';
import { prepareMail, warmUp } from './prepare.js';

/**
 * Worker-thread side of parse-pool.ts: prepares each message it is sent and
 * answers with the plain-data result (structured clone), or with why not.
 */

export interface PrepareRequest {
  readonly id: number;
  readonly raw: Uint8Array;
  readonly receivedAt: number;
}

export type PrepareResponse =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly prepared: unknown }
  | {
      readonly type: 'failed';
      readonly id: number;
      readonly badInput: boolean;
      readonly message: string;
    };

const port = parentPort;
if (port) {
  // One message at a time, in arrival order. Started together, the parses
  // (mailparser yields between chunks) would interleave and all finish late,
  // leaving the main thread idle until the whole bunch lands at once.
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (request: PrepareRequest) => {
    previous = previous.then(() => answer(port, request));
  });
  warmUp();
  port.postMessage({ type: 'ready' } satisfies PrepareResponse);
}

async function answer(to: MessagePort, request: PrepareRequest): Promise<void> {
  const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
  try {
    const prepared = await prepareMail(raw, new Date(request.receivedAt));
    to.postMessage({ type: 'done', id: request.id, prepared } satisfies PrepareResponse);
  } catch (error) {
    to.postMessage({
      type: 'failed',
      id: request.id,
      badInput: error instanceof BadInputError,
      message: (error as Error)?.message ?? String(error),
    } satisfies PrepareResponse);
  }
}
