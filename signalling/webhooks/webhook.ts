/**
 * Standard Webhooks (https://www.standardwebhooks.com/) for one endpoint: the three headers
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature` = `v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">`, one signature per secret so a secret can be rotated without downtime),
 * signed with `node:crypto`, posted with undici over kept-alive connections, one request at a time
 * on each (no pipelining: any helpdesk behind any proxy handles that). Redirects are not followed
 * (a 3xx is a failure, as the specification says), and an attempt that takes longer than the
 * timeout (10 s by default) is cut off.
 */
import { createHmac } from 'node:crypto';
import { Pool, type Dispatcher } from 'undici';

const SECRET_PREFIX = 'whsec_';

/** Decodes a `whsec_<base64>` secret (24 to 64 random bytes); null when it is not one. */
export function parseWebhookSecret(secret: string): Uint8Array | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  const b64 = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const key = Buffer.from(b64, 'base64');
  return key.length >= 24 && key.length <= 64 ? new Uint8Array(key) : null;
}

/**
 * `url` as it may be shown or logged: credentials in it (`https://user:password@host/…`, sent as
 * Basic authentication) become `***@`. A string that is not a URL loses whatever sits between
 * `//` and an `@`.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/?#]*@/, '//***@');
  }
  if (!parsed.username && !parsed.password) return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.href.replace('//', '//***@');
}

/** The `webhook-signature` header: `v1,<signature>` for each secret, space-separated. */
export function signatureHeader(
  secrets: readonly Uint8Array[],
  id: string,
  timestamp: number,
  body: string,
): string {
  return secrets
    .map(
      (key) =>
        `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`,
    )
    .join(' ');
}

/** The headers of one delivery attempt; the timestamp is fresh on every attempt, the id is not. */
export function webhookHeaders(
  secrets: readonly Uint8Array[],
  id: string,
  body: string,
  nowMs: number,
): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'video-session-webhooks/1',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(secrets, id, timestamp, body),
  };
}

/** What one attempt came to: an HTTP status (with `Retry-After`, when sent), or a network error. */
export type AttemptResult =
  | { kind: 'response'; status: number; retryAfterMs: number | null }
  | { kind: 'error'; error: string };

export interface WebhookSender {
  readonly url: string;
  send(id: string, body: string, nowMs: number): Promise<AttemptResult>;
  /** Aborts attempts in flight and closes the kept-alive connections. */
  close(): void;
}

export interface SenderOptions {
  url: string;
  secrets: readonly Uint8Array[];
  timeoutMs: number;
  /** Connections kept to the endpoint (the dispatcher's concurrency). */
  maxSockets: number;
}

export function createWebhookSender(opts: SenderOptions): WebhookSender {
  const target = new URL(opts.url);
  const path = `${target.pathname}${target.search}`;
  // Credentials in the URL go out as Basic authentication.
  const auth = target.username
    ? `Basic ${Buffer.from(
        `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`,
      ).toString('base64')}`
    : null;
  const pool = new Pool(target.origin, {
    connections: opts.maxSockets,
    pipelining: 1,
    // Each attempt's own timer (below) is its limit, from asking to the last byte; a connection
    // that cannot be made is given up after as long.
    connect: { timeout: opts.timeoutMs },
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const inflight = new Set<Attempt>();
  const dispatch = { origin: target.origin, path, method: 'POST' } as const;

  return {
    url: opts.url,
    send(id, body, nowMs) {
      const headers = webhookHeaders(opts.secrets, id, body, nowMs);
      if (auth) headers.authorization = auth;
      return new Promise<AttemptResult>((resolve) => {
        pool.dispatch(
          { ...dispatch, headers, body },
          new Attempt(resolve, inflight, opts.timeoutMs),
        );
      });
    },
    close() {
      for (const attempt of [...inflight]) attempt.abort('aborted');
      void pool.destroy().catch(() => undefined);
    },
  };
}

/** One attempt in flight: undici's handler for its request, and its timer. */
class Attempt implements Dispatcher.DispatchHandler {
  private readonly resolve: (result: AttemptResult) => void;
  private readonly inflight: Set<Attempt>;
  private readonly timer: ReturnType<typeof setTimeout>;
  private controller: Dispatcher.DispatchController | null = null;
  private settled = false;
  private status = 0;
  private retryAfter: string | undefined;

  constructor(resolve: (result: AttemptResult) => void, inflight: Set<Attempt>, timeoutMs: number) {
    this.resolve = resolve;
    this.inflight = inflight;
    this.timer = setTimeout(Attempt.timedOut, timeoutMs, this, timeoutMs);
    inflight.add(this);
  }

  private static timedOut(this: void, attempt: Attempt, timeoutMs: number): void {
    attempt.abort(`no answer within ${timeoutMs} ms`);
  }

  /** Ends the attempt with `error`; settled first, so the error the abort causes is not taken. */
  abort(error: string): void {
    this.finish({ kind: 'error', error });
    this.controller?.abort(new Error(error));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new Error('aborted'));
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = statusCode;
    const value = headers['retry-after'];
    this.retryAfter = Array.isArray(value) ? value[0] : value;
  }

  /** Only the status matters; the body is read (and dropped) so the connection is reused. */
  onResponseData(): void {}

  onResponseEnd(): void {
    this.finish({
      kind: 'response',
      status: this.status,
      retryAfterMs: parseRetryAfter(this.retryAfter, Date.now()),
    });
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.finish({ kind: 'error', error: errorCode(err) });
  }

  private finish(result: AttemptResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.inflight.delete(this);
    this.resolve(result);
  }
}

/** A network error as a short code: the system's (`ECONNREFUSED`) when there is one. */
function errorCode(err: Error & { code?: string }): string {
  const cause = err.cause as { code?: string } | undefined;
  if (cause?.code) return cause.code;
  if (err.code === 'UND_ERR_SOCKET' || err.code === 'UND_ERR_CLOSED') return 'ECONNRESET';
  return err.code ?? err.message;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now; null when absent or bad. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
