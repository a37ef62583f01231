/**
 * Standard Webhooks (https://www.standardwebhooks.com/) for one endpoint: the three headers
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature` = `v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">`, one signature per secret so a secret can be rotated without downtime),
 * signed with `node:crypto`, posted with `node:http(s)` over kept-alive connections. Redirects are
 * not followed (a 3xx is a failure, as the specification says), and an attempt that takes longer
 * than the timeout (10 s by default) is cut off.
 */
import { createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

const SECRET_PREFIX = 'whsec_';

/** Decodes a `whsec_<base64>` secret (24 to 64 random bytes); null when it is not one. */
export function parseWebhookSecret(secret: string): Uint8Array | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  const b64 = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const key = Buffer.from(b64, 'base64');
  return key.length >= 24 && key.length <= 64 ? new Uint8Array(key) : null;
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
  const https = target.protocol === 'https:';
  const where = {
    protocol: target.protocol,
    hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: target.port,
    path: `${target.pathname}${target.search}`,
    ...(target.username
      ? { auth: `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}` }
      : {}),
  };
  const agent = new (https ? HttpsAgent : HttpAgent)({
    keepAlive: true,
    maxSockets: opts.maxSockets,
  });
  const request = https ? httpsRequest : httpRequest;
  const inflight = new Set<() => void>();

  return {
    url: opts.url,
    send(id, body, nowMs) {
      const headers = {
        ...webhookHeaders(opts.secrets, id, body, nowMs),
        'content-length': String(Buffer.byteLength(body, 'utf8')),
      };
      return new Promise<AttemptResult>((resolve) => {
        let settled = false;
        const finish = (result: AttemptResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          inflight.delete(abort);
          resolve(result);
        };
        const req = request({ ...where, method: 'POST', headers, agent }, (res) => {
          // Only the status matters; drain the body so the connection can be reused.
          res.resume();
          res.on('error', () => undefined);
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            retryAfterMs: parseRetryAfter(res.headers['retry-after'], Date.now()),
          });
        });
        const abort = () => {
          req.destroy();
          finish({ kind: 'error', error: 'aborted' });
        };
        const timer = setTimeout(() => {
          req.destroy();
          finish({ kind: 'error', error: `no answer within ${opts.timeoutMs} ms` });
        }, opts.timeoutMs);
        inflight.add(abort);
        req.on('error', (err: NodeJS.ErrnoException) =>
          finish({ kind: 'error', error: err.code ?? err.message }),
        );
        // A string body goes out in one write with the headers (a Buffer would take a second).
        req.end(body, 'utf8');
      });
    },
    close() {
      for (const abort of [...inflight]) abort();
      agent.destroy();
    },
  };
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now; null when absent or bad. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
