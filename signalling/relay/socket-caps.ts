/**
 * How many WebSocket connections the process holds, and how many each client address holds (an
 * IPv6 address by its /64): an upgrade past either cap is refused before its token is looked at.
 * A place is taken at the upgrade, while the token is checked, and given back when the socket
 * closes, whichever way it ends.
 */
import type { ErrorCode } from '../../src/errors.js';
import { addressKey } from '../rate-limit.js';

export interface SocketCapsOptions {
  /** Connections the process holds at once. */
  total: number;
  /** Connections one client address holds at once. */
  perAddress: number;
}

export interface SocketCaps {
  /** Connections held right now. */
  readonly size: number;
  /**
   * Takes a place for a connection from `address`: the function that gives it back (call it
   * once, when the socket closes), or the code to refuse the upgrade with.
   */
  acquire(address: string): { release(): void } | { refused: ErrorCode };
}

export function createSocketCaps(opts: SocketCapsOptions): SocketCaps {
  const byAddress = new Map<string, number>();
  let size = 0;
  return {
    get size() {
      return size;
    },
    acquire(address) {
      if (size >= opts.total) return { refused: 'ERR_SERVICE_BUSY' };
      const key = addressKey(address);
      const held = byAddress.get(key) ?? 0;
      if (held >= opts.perAddress) return { refused: 'ERR_TOO_MANY_CONNECTIONS' };
      byAddress.set(key, held + 1);
      size++;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          size--;
          const left = (byAddress.get(key) ?? 1) - 1;
          if (left > 0) byAddress.set(key, left);
          else byAddress.delete(key);
        },
      };
    },
  };
}
