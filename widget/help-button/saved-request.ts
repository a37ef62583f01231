/**
 * The request a help button made in this tab, as saved in sessionStorage (in the first script: the
 * button knows at once whether a reload left one, before the request chunk loads).
 */
import type { SessionStatus } from '../../src/session-state.js';

/** A request as the button knows it. */
export interface HelpRequest {
  base: string;
  id: string;
  /** The customer's join token for the session. */
  token: string;
  status: SessionStatus;
}

export const STORAGE_KEY = 'video-session:help-request';

/** The request this tab saved, if any (it was `requested` when saved). */
export function loadSaved(): HelpRequest | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const saved = raw ? (JSON.parse(raw) as Partial<HelpRequest>) : null;
    return saved &&
      typeof saved.base === 'string' &&
      typeof saved.id === 'string' &&
      typeof saved.token === 'string'
      ? { base: saved.base, id: saved.id, token: saved.token, status: 'requested' }
      : null;
  } catch {
    return null;
  }
}

/** Forgets the saved request (over, or the call took over). */
export function forgetSaved(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage blocked: nothing was saved
  }
}
