/** A stored session as the REST API shows it (`SessionView` in `src/rest.ts`). */
import type { SessionView } from '../../src/rest.js';
import { isFinal } from '../../src/session-state.js';
import type { SessionRecord } from '../store/store.js';
import { iso, setupMs } from './session-draft.js';

/**
 * `forHost`: with the host's metadata (never shown to a join token). `inUse`: whose place is held
 * by a live connection (the rooms' presence).
 */
export function sessionView(
  s: SessionRecord,
  forHost: boolean,
  now: number,
  inUse: SessionView['inUse'],
): SessionView {
  const until = isFinal(s.status) ? (s.endedAt ?? now) : now;
  return {
    id: s.id,
    ticketId: s.ticketId,
    status: s.status,
    visibility: s.visibility,
    origin: s.origin,
    ...(forHost ? { metadata: s.metadata } : {}),
    agent: s.agent,
    customer: { name: s.customerName },
    createdAt: iso(s.createdAt)!,
    requestedAt: iso(s.requestedAt),
    answerBy: iso(s.answerBy),
    expiresAt: iso(s.expiresAt)!,
    connectedAt: iso(s.connectedAt),
    endedAt: iso(s.endedAt),
    endedBy: s.endedBy,
    endReason: s.endReason,
    rating: s.rating && { score: s.rating.score, comment: s.rating.comment, at: iso(s.rating.at)! },
    inUse,
    analytics: {
      acceptMs:
        s.requestedAt !== null && s.acceptedAt !== null ? s.acceptedAt - s.requestedAt : null,
      setupMs: setupMs(s),
      durationMs: s.connectedAt === null ? 0 : Math.max(0, until - s.connectedAt),
      reconnects: s.reconnects,
    },
    transitions: s.transitions.map((t) => ({ from: t.from, to: t.to, at: iso(t.at)! })),
  };
}
