/**
 * Reads the session and role a join token names, without verifying it (the service does that).
 * Used for display and to find the resume key; never for a security decision.
 */
export function readJoinToken(
  token: string,
): { sessionId: string; role: 'agent' | 'customer' } | null {
  try {
    const part = token.split('.')[1] ?? '';
    const payload = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as {
      sid?: unknown;
      role?: unknown;
    };
    if (typeof payload.sid !== 'string') return null;
    if (payload.role !== 'agent' && payload.role !== 'customer') return null;
    return { sessionId: payload.sid, role: payload.role };
  } catch {
    return null;
  }
}
