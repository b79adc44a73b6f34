/** A long-running part of kith (inbox watcher, scheduler, outbox loop). */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A JSON-safe snapshot for /healthz and the health page; never secrets. */
  status(): ServiceStatus;
}

export interface ServiceStatus {
  /** `ok`: working; `degraded`: retrying after an error; `down`: stopped or failed. */
  readonly state: 'ok' | 'degraded' | 'down' | 'idle';
  readonly detail?: Readonly<Record<string, unknown>>;
}
