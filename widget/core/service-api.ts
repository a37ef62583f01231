/**
 * The few REST calls the widgets make with their tokens: request a session (help button), read
 * it (long-polling while it is requested), cancel the request, rate the session, report an event
 * for the webhook, upload files and list the session's files. Refusals come back as `VideoSessionError` with the service's code.
 */
import { backoffDelay } from '../../src/backoff.js';
import { isErrorCode, VideoSessionError } from '../../src/errors.js';
import type { ReportedEvent } from '../../src/events.js';
import {
  UPLOAD_CONTENT_TYPE,
  type CreateUpload,
  type FileList,
  type RequestedSession,
  type SessionView,
  type UploadCreated,
  type UploadProgress,
} from '../../src/rest.js';
import type { SessionStatus } from '../../src/session-state.js';

/**
 * The service's HTTP base from its WebSocket endpoint: `wss://host/v1/signal` ->
 * `https://host` (a path prefix before `/v1/signal` is kept).
 */
export function serviceBase(signallingUrl: string): string {
  const url = new URL(signallingUrl);
  url.protocol =
    url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  url.pathname = url.pathname.replace(/\/v1\/signal\/?$/, '');
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/$/, '');
}

/** The WebSocket endpoint of a service base URL (the reverse of `serviceBase`). */
export function signallingUrlOf(base: string): string {
  const url = new URL(`${base.replace(/\/$/, '')}/v1/signal`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

async function call<T>(
  base: string,
  path: string,
  token: string,
  init: {
    method?: string;
    body?: unknown;
    bytes?: Blob;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.bytes === undefined ? {} : { body: init.bytes }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new VideoSessionError('ERR_SIGNALLING_UNREACHABLE', undefined, { cause: err });
  }
  const json = (await res.json().catch(() => null)) as { code?: unknown } | null;
  if (!res.ok) {
    throw new VideoSessionError(isErrorCode(json?.code) ? json.code : 'ERR_INTERNAL');
  }
  return json as T;
}

/** Asks for a session with the page's public key or request token. */
export function requestSession(
  base: string,
  key: string,
  body: { customer?: { name: string }; ticketId?: string; direct?: boolean },
): Promise<RequestedSession> {
  return call(base, '/v1/requests', key, { method: 'POST', body });
}

/** Reads the session; with `whileStatus`, the service answers once it leaves that status (or ~25 s). */
export function readSession(
  base: string,
  id: string,
  token: string,
  whileStatus?: SessionStatus,
  signal?: AbortSignal,
): Promise<SessionView> {
  const query = whileStatus ? `?wait=${whileStatus}` : '';
  return call(
    base,
    `/v1/sessions/${encodeURIComponent(id)}${query}`,
    token,
    signal ? { signal } : {},
  );
}

export function cancelRequest(base: string, id: string, token: string): Promise<SessionView> {
  return call(base, `/v1/sessions/${encodeURIComponent(id)}/cancel`, token, { method: 'POST' });
}

export function rateSession(
  base: string,
  id: string,
  token: string,
  rating: { score: number; comment?: string },
): Promise<SessionView> {
  return call(base, `/v1/sessions/${encodeURIComponent(id)}/rating`, token, {
    method: 'POST',
    body: rating,
  });
}

/**
 * Reports an event for the webhook (the seam for features whose events happen in the browser).
 * Retries with backoff until the service answers, for up to `attempts` tries; the same `ref` never
 * makes a second event, so a retry after a lost answer is safe. Resolves with the webhook id.
 */
export async function reportEvent(
  signallingUrl: string,
  sessionId: string,
  token: string,
  event: ReportedEvent,
  opts: { ref?: string; attempts?: number; signal?: AbortSignal } = {},
): Promise<string> {
  const ref = opts.ref ?? crypto.randomUUID();
  const base = serviceBase(signallingUrl);
  for (let attempt = 0; ; attempt++) {
    try {
      const { id } = await call<{ id: string }>(
        base,
        `/v1/sessions/${encodeURIComponent(sessionId)}/events`,
        token,
        { method: 'POST', body: { ref, event }, ...(opts.signal ? { signal: opts.signal } : {}) },
      );
      return id;
    } catch (err) {
      const retry =
        err instanceof VideoSessionError &&
        (err.code === 'ERR_SIGNALLING_UNREACHABLE' ||
          err.code === 'ERR_INTERNAL' ||
          err.code === 'ERR_TOO_MANY_REPORTS');
      if (!retry || attempt + 1 >= (opts.attempts ?? 6) || opts.signal?.aborted) throw err;
      await new Promise((r) =>
        setTimeout(r, backoffDelay(attempt, { baseMs: 500, maxMs: 8000, minMs: 250 })),
      );
    }
  }
}

/**
 * Announces a file to upload, or (same `ref`) learns how much of it the service already has:
 * `offset === size` with `file` set when it is complete.
 */
export function createUpload(
  base: string,
  sessionId: string,
  token: string,
  body: CreateUpload,
  signal?: AbortSignal,
): Promise<UploadCreated> {
  return call(base, `/v1/sessions/${encodeURIComponent(sessionId)}/uploads`, token, {
    method: 'POST',
    body,
    ...(signal ? { signal } : {}),
  });
}

/**
 * The session's stored files, oldest first, each with a signed link for this token's holder. A
 * customer is refused them while the session is internal (`ERR_SESSION_INTERNAL`).
 */
export function listFiles(base: string, sessionId: string, token: string): Promise<FileList> {
  return call(base, `/v1/sessions/${encodeURIComponent(sessionId)}/files`, token);
}

/** Sends the bytes of an upload from `offset` (at most the service's `chunkSize`). */
export function sendUploadChunk(
  base: string,
  sessionId: string,
  uploadId: string,
  token: string,
  offset: number,
  bytes: Blob,
  signal?: AbortSignal,
): Promise<UploadProgress> {
  const path = `/v1/sessions/${encodeURIComponent(sessionId)}/uploads/${encodeURIComponent(uploadId)}`;
  return call(base, path, token, {
    method: 'PATCH',
    bytes,
    headers: { 'content-type': UPLOAD_CONTENT_TYPE, 'upload-offset': String(offset) },
    ...(signal ? { signal } : {}),
  });
}
