/**
 * A ticket's timeline: each webhook event as a line the agent can read, and a hub that pushes new
 * lines to the ticket pages that are open (server-sent events).
 */
import type { SessionEvent } from '../src/events.js';
import { assertNever } from '../src/parse.js';
import { mediaChange, sizeText, type MediaItem } from './media.js';

/** One line of the timeline, as the page renders it. */
export interface TimelineEntry {
  id: string;
  sessionId: string;
  type: SessionEvent['type'];
  at: string;
  text: string;
  internal: boolean;
  /** For file events: the screenshot or recording to show, or the one to take away. */
  media?: { add: MediaItem } | { remove: string };
}

const minutes = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
};

/** What happened, in words. */
export function describeEvent(e: SessionEvent): string {
  switch (e.type) {
    case 'session.requested':
      return `${e.data.customer.name} asked for a video call (${e.data.source === 'request-token' ? 'from their ticket page' : 'from the website'})`;
    case 'session.created':
      return e.data.origin === 'direct'
        ? `${e.data.customer.name} is calling directly`
        : e.data.origin === 'request'
          ? `${e.data.agent?.name ?? 'An agent'} accepted the request`
          : `Video session created for ${e.data.customer.name}`;
    case 'session.participant_joined':
      return `${e.data.name} joined${e.data.resumed ? ' again' : ''}`;
    case 'session.participant_left':
      return `The ${e.data.role} ${e.data.reason === 'hang-up' ? 'left the call' : 'lost the connection'}`;
    case 'session.connected':
      return e.data.reconnected
        ? 'The call is back'
        : `Call connected${e.data.setupMs === null ? '' : ` in ${(e.data.setupMs / 1000).toFixed(1)} s`}`;
    case 'session.reconnecting':
      return `Reconnecting${e.data.role ? ` (the ${e.data.role} dropped)` : ''}`;
    case 'session.ended':
      return e.data.status === 'ended'
        ? `Session ended by the ${e.data.endedBy} (${e.data.reason}) after ${minutes(e.data.durationMs)}, ${e.data.reconnects} reconnect${e.data.reconnects === 1 ? '' : 's'}`
        : `Session ${e.data.status} (${e.data.reason})`;
    case 'session.visibility_changed':
      return `Session set ${e.data.visibility}`;
    case 'session.rated':
      return `Rated ${'★'.repeat(e.data.score)}${'☆'.repeat(5 - e.data.score)}${e.data.comment ? `: “${e.data.comment}”` : ''}`;
    case 'session.mode_changed':
      return `The call changed from ${e.data.previous} to ${e.data.mode}`;
    case 'session.offer_declined':
      return `The customer declined ${e.data.mode === 'two-way' ? 'video' : e.data.mode}`;
    case 'session.chat_transcript': {
      const texts = e.data.lines.filter((l) => 'text' in l).length;
      const files = e.data.lines.length - texts;
      return `Chat${e.data.parts > 1 ? ` (part ${e.data.part} of ${e.data.parts})` : ''}: ${texts} message${texts === 1 ? '' : 's'}, ${files} file${files === 1 ? '' : 's'}`;
    }
    case 'recording.requested':
      return 'The agent asked to record the call';
    case 'recording.consented':
      return 'The customer agreed to the recording';
    case 'recording.declined':
      return 'The customer declined the recording';
    case 'recording.started':
      return 'Recording started';
    case 'recording.stopped':
      return `Recording stopped by the ${e.data.by}${e.data.reason ? ` (${e.data.reason})` : ''}`;
    case 'recording.consent_withdrawn':
      return `The ${e.data.by} withdrew consent: recording stopped`;
    case 'screenshot.created':
      return `Screenshot saved: ${e.data.name} (${sizeText(e.data.size)})`;
    case 'recording.available':
      return `Recording saved: ${e.data.name} (${sizeText(e.data.size)}${e.data.meta.durationMs === undefined ? '' : `, ${minutes(e.data.meta.durationMs)}`})`;
    case 'file.deleted':
      return `${e.data.kind === 'screenshot' ? 'Screenshot' : 'Recording'} ${e.data.name} deleted (${e.data.reason === 'retention' ? 'retention period over' : 'erased on request'})`;
    default:
      return assertNever(e);
  }
}

export function timelineEntry(e: SessionEvent): TimelineEntry {
  const media = mediaChange(e);
  return {
    id: e.id,
    sessionId: e.sessionId,
    type: e.type,
    at: e.occurredAt,
    text: describeEvent(e),
    internal: e.visibility === 'internal',
    ...(media ? { media } : {}),
  };
}

/** Pushes new timeline lines to whoever watches a ticket. */
export class TimelineHub {
  private readonly watchers = new Map<string, Set<(entry: TimelineEntry) => void>>();

  /** Calls `fn` for each new line of `ticketId`; returns the function that stops it. */
  watch(ticketId: string, fn: (entry: TimelineEntry) => void): () => void {
    const set = this.watchers.get(ticketId) ?? new Set();
    set.add(fn);
    this.watchers.set(ticketId, set);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.watchers.delete(ticketId);
    };
  }

  publish(ticketId: string, entry: TimelineEntry): void {
    for (const fn of this.watchers.get(ticketId) ?? []) fn(entry);
  }
}
