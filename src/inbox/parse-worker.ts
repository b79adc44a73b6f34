import { parentPort } from 'node:worker_threads';
import { BadInputError } from '../errors.js';
import { prepareMail } from './prepare.js';

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
  port.on('message', (request: PrepareRequest) => {
    const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
    prepareMail(raw, new Date(request.receivedAt)).then(
      (prepared) =>
        port.postMessage({ type: 'done', id: request.id, prepared } satisfies PrepareResponse),
      (error: unknown) =>
        port.postMessage({
          type: 'failed',
          id: request.id,
          badInput: error instanceof BadInputError,
          message: (error as Error)?.message ?? String(error),
        } satisfies PrepareResponse),
    );
  });
  port.postMessage({ type: 'ready' } satisfies PrepareResponse);
}
