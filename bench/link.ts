/**
 * A TCP relay that behaves like a network link between kith and its mail
 * provider: a fixed bandwidth each way and a fixed round-trip time. Against
 * a Dovecot on localhost a backfill is all CPU, which hides the one thing
 * headers-first exists to save, the download; through this relay the
 * benchmark also shows what a first start costs over a real connection.
 *
 * Each direction is a FIFO: a chunk leaves when the link has sent every
 * byte before it (size / bandwidth), and arrives half a round trip later.
 * One timer per direction, so chunks can never overtake each other.
 */
import net from 'node:net';

export interface LinkShape {
  /** Bandwidth each way, in Mbit/s. */
  readonly mbitPerSecond: number;
  /** Round-trip time, in ms. */
  readonly rttMs: number;
}

export interface Link {
  readonly port: number;
  close(): Promise<void>;
}

/** Bytes a direction may hold in flight before it stops reading its sender, like a TCP window. */
const WINDOW_BYTES = 4 * 1024 * 1024;

function relay(from: net.Socket, to: net.Socket, shape: LinkShape): void {
  const bytesPerMs = (shape.mbitPerSecond * 1_000_000) / 8 / 1000;
  const queue: { chunk: Buffer | null; due: number }[] = [];
  let linkFreeAt = 0;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;

  const deliver = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && (queue[0] as { due: number }).due <= now) {
      const { chunk } = queue.shift() as { chunk: Buffer | null };
      if (chunk === null) {
        to.end();
        continue;
      }
      inFlight -= chunk.length;
      to.write(chunk);
    }
    if (inFlight < WINDOW_BYTES / 2 && from.isPaused()) from.resume();
    schedule();
  };
  const schedule = () => {
    const next = queue[0];
    if (next && !timer) timer = setTimeout(deliver, Math.max(0, next.due - performance.now()));
  };
  const enqueue = (chunk: Buffer | null) => {
    const now = performance.now();
    linkFreeAt = Math.max(now, linkFreeAt) + (chunk?.length ?? 0) / bytesPerMs;
    queue.push({ chunk, due: linkFreeAt + shape.rttMs / 2 });
    schedule();
  };

  from.on('data', (chunk: Buffer) => {
    inFlight += chunk.length;
    if (inFlight > WINDOW_BYTES) from.pause();
    enqueue(chunk);
  });
  from.on('end', () => enqueue(null));
  from.on('error', () => to.destroy());
  from.on('close', () => {
    if (timer) clearTimeout(timer);
  });
}

/** Starts a relay on 127.0.0.1 to `target`, shaped like `shape`. */
export function startLink(target: { host: string; port: number }, shape: LinkShape): Promise<Link> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      // The relay only adds the modelled delay: Nagle's wait for an ACK would be its own.
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    relay(client, upstream, shape);
    relay(upstream, client, shape);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
