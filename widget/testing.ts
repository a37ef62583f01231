/**
 * Helpers for the browser tests (imported by tests only): the real service through WTR's server
 * commands, mounting elements, and waiting for what a person would see or hear.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import type { ReactiveElement } from 'lit';
import type { CreatedSession, FileList } from '../src/rest.js';
import type { CallMode } from '../src/call-modes.js';
import type { CallState, VsErrorEvent } from './events.js';
import './index.js';
import { openWidgetDb } from './core/storage/widget-db.js';
import type { Screenshot } from './features/screenshots/screenshot.js';
import { stillRecord } from './features/screenshots/upload-still.js';
import type { VideoSession } from './video-session.js';

export interface Service {
  url: string;
  signallingUrl: string;
}

export const service = () =>
  executeServerCommand<Service, undefined>('vs-service') as Promise<Service>;
export const createSession = () =>
  executeServerCommand<CreatedSession, undefined>('vs-create-session') as Promise<CreatedSession>;

/** Changes a session's visibility with the API key (`public` or `internal`). */
export const setVisibility = (id: string, visibility: 'public' | 'internal') =>
  executeServerCommand('vs-set-visibility', { id, visibility });

/** The session's screenshots on the service, as the holder of `token` sees them. */
export async function serviceFiles(sessionId: string, token: string) {
  const { url } = await service();
  const res = await fetch(`${url}/v1/sessions/${sessionId}/files`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as FileList).files.filter((f) => f.kind === 'screenshot');
}

/**
 * The agent's page closed right after Save (what it leaves: the still kept on the device for the
 * session, not uploaded yet), and a new page of the agent joins: resolves with it once the service
 * has the still.
 */
export async function rejoinAfterSave(
  still: Screenshot,
  session: CreatedSession,
): Promise<VideoSession> {
  const db = await openWidgetDb();
  // The page kept the still undecided first; a Save then stored it as saved, over that.
  await until(async () => (await db.get('stills', still.id)) !== undefined, 5000, 'not kept');
  await db.put('stills', stillRecord({ ...still, blob: still.blob! }, session.id));
  const { signallingUrl } = await service();
  const again = mount({ 'signalling-url': signallingUrl, token: session.agentToken });
  await again.start();
  await until(
    async () => (await serviceFiles(session.id, session.agentToken)).length === 1,
    15_000,
    'not uploaded',
  );
  return again;
}

/** The SHA-256 of the bytes, in hex. */
export async function sha256(data: Blob | BufferSource): Promise<string> {
  const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function mount(attrs: Record<string, string> = {}): VideoSession {
  const el = document.createElement('video-session');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.style.width = '480px';
  el.style.height = '360px';
  document.body.append(el);
  return el;
}

/** An agent and a customer of a fresh session, both mounted (not started). */
export async function call(agentAttrs: Record<string, string> = {}) {
  const { signallingUrl } = await service();
  const session = await createSession();
  const agent = mount({
    'signalling-url': signallingUrl,
    token: session.agentToken,
    ...agentAttrs,
  });
  const customer = mount({ 'signalling-url': signallingUrl, token: session.customerToken });
  return { session, agent, customer };
}

/** Resolves when `el` reaches `state` (now or later); rejects after `ms`. */
export function reach(el: VideoSession, state: CallState, ms = 20_000): Promise<void> {
  return until(() => el.state === state, ms, `still ${el.state}, wanted ${state}`);
}

/** Resolves when `el`'s agreed mode is `mode`. */
export function inMode(el: VideoSession, mode: CallMode, ms = 10_000): Promise<void> {
  return until(() => el.mode === mode, ms, `mode still ${el.mode}, wanted ${mode}`);
}

export function nextError(el: VideoSession): Promise<VsErrorEvent> {
  return new Promise((resolve) => el.addEventListener('vs-error', resolve, { once: true }));
}

/** Waits for `count` new decoded frames on a video element. */
export function frames(video: HTMLVideoElement, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const next = () =>
      video.requestVideoFrameCallback(() => (++seen >= count ? resolve() : next()));
    next();
  });
}

export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = 'condition not met in time',
) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(what);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const part = (el: VideoSession, name: string) =>
  el.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement | null;

/** The element's button whose accessible name is `label`. */
export function button(el: VideoSession, label: string): HTMLButtonElement {
  const found = [...el.shadowRoot!.querySelectorAll('button')].find(
    (b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim() === label,
  );
  if (!found) throw new Error(`no button "${label}"`);
  return found;
}

/** The button once it shows (a feature whose chunk loads after the call settles, say). */
export async function buttonShown(
  el: VideoSession,
  label: string,
  ms = 10_000,
): Promise<HTMLButtonElement> {
  await until(
    () => {
      try {
        return button(el, label) !== null;
      } catch {
        return false;
      }
    },
    ms,
    `no button "${label}"`,
  );
  return button(el, label);
}

export const text = (el: VideoSession) => el.shadowRoot!.textContent ?? '';

/** Counters from the element's peer connection that only move when media really flows. */
async function counters(el: VideoSession) {
  const c = { audioIn: 0, videoIn: 0, audioOut: 0, videoOut: 0 };
  (await el.getStats())?.forEach((r: RTCStats & Record<string, unknown>) => {
    const kind = r['kind'];
    if (r.type === 'inbound-rtp' && kind === 'audio')
      c.audioIn += Number(r['packetsReceived'] ?? 0);
    if (r.type === 'inbound-rtp' && kind === 'video') c.videoIn += Number(r['framesDecoded'] ?? 0);
    if (r.type === 'outbound-rtp' && kind === 'audio') c.audioOut += Number(r['packetsSent'] ?? 0);
    if (r.type === 'outbound-rtp' && kind === 'video')
      c.videoOut += Number(r['framesEncoded'] ?? 0);
  });
  return c;
}

/**
 * Waits until at least `want` more of each counter (audio packets in, video frames decoded...)
 * arrived on `el` than when called; rejects after `ms` saying what came. What arrives is judged,
 * not what a fixed window happened to deliver on a busy machine.
 */
export async function arrives(
  el: VideoSession,
  want: Partial<Record<'audioIn' | 'videoIn' | 'audioOut' | 'videoOut', number>>,
  ms = 15_000,
): Promise<void> {
  const before = await counters(el);
  let seen = before;
  await until(async () => {
    seen = await counters(el);
    return Object.entries(want).every(
      ([k, n]) => seen[k as keyof typeof seen] - before[k as keyof typeof before] >= n!,
    );
  }, ms).catch((err: unknown) => {
    throw new Error(
      `wanted ${JSON.stringify(want)} more, got ${JSON.stringify(seen)} from ${JSON.stringify(before)}`,
      { cause: err },
    );
  });
}

/**
 * What really flows over `ms`: audio packets in and out, video frames decoded and encoded. Starts
 * after `settleMs`, so packets of a mode that just ended are not counted.
 */
export async function flow(el: VideoSession, ms = 1000, settleMs = 400) {
  await new Promise((r) => setTimeout(r, settleMs));
  const a = await counters(el);
  await new Promise((r) => setTimeout(r, ms));
  const b = await counters(el);
  return {
    audioIn: b.audioIn - a.audioIn,
    videoIn: b.videoIn - a.videoIn,
    audioOut: b.audioOut - a.audioOut,
    videoOut: b.videoOut - a.videoOut,
  };
}

declare global {
  interface Window {
    axe: { run(context: Element, options?: object): Promise<AxeResults> };
  }
}

/** axe-core, loaded as the classic script it ships as. */
export async function loadAxe(): Promise<void> {
  if (window.axe) return;
  await new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('axe-core did not load'));
    document.head.append(script);
  });
}

/** axe's violations on the element (its shadow DOM included), as readable lines. */
export async function axeViolations(el: ReactiveElement): Promise<string[]> {
  await el.updateComplete;
  const results = await window.axe.run(el, { resultTypes: ['violations'] });
  return results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}
