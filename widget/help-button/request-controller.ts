/**
 * Owns a help button's request for a session: asks the service for it, then follows it (long
 * polling) until an agent accepts it, declines it, or it expires; cancels it on demand. The request
 * is remembered for the tab (sessionStorage), so a reload keeps the customer's place in the queue.
 * A chunk of its own: the button loads it when the customer asks (or a saved request resumes).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { backoffDelay } from '../../src/backoff.js';
import { VideoSessionError, type ErrorCode } from '../../src/errors.js';
import { isFinal } from '../../src/session-state.js';
import { cancelRequest, readSession, requestSession } from '../core/service-api.js';
import { forgetSaved, loadSaved, STORAGE_KEY, type HelpRequest } from './saved-request.js';

export type { HelpRequest };

export interface RequestOptions {
  /** Every status the request is seen in (first the answer to the request itself). */
  onUpdate(request: HelpRequest): void;
  onError(code: ErrorCode): void;
}

export class RequestController implements ReactiveController {
  private readonly options: RequestOptions;
  private abort: AbortController | null = null;
  private current: HelpRequest | null = null;

  constructor(host: ReactiveControllerHost, options: RequestOptions) {
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** Asks for a session with the page's key, then follows it while it is `requested`. */
  async request(
    base: string,
    key: string,
    body: { customer?: { name: string }; ticketId?: string; direct?: boolean },
  ): Promise<void> {
    this.stop();
    const abort = (this.abort = new AbortController());
    try {
      const answer = await requestSession(base, key, body);
      if (abort.signal.aborted) return;
      this.update({ base, id: answer.id, token: answer.customerToken, status: answer.status });
      void this.follow(abort.signal);
    } catch (err) {
      if (!abort.signal.aborted) this.options.onError(codeOf(err));
    }
  }

  /** Picks up a request this tab made before a reload, if it is still open. */
  resume(base: string): boolean {
    const saved = loadSaved();
    if (!saved || saved.base !== base) return false;
    this.stop();
    const abort = (this.abort = new AbortController());
    this.current = saved;
    void this.follow(abort.signal, true);
    return true;
  }

  /** The customer withdraws the request. */
  async cancel(): Promise<void> {
    const request = this.current;
    this.forget();
    if (!request) return;
    try {
      await cancelRequest(request.base, request.id, request.token);
    } catch (err) {
      // Already accepted, ended or expired: nothing is waiting any more either way.
      if (codeOf(err) === 'ERR_SIGNALLING_UNREACHABLE')
        this.options.onError('ERR_SIGNALLING_UNREACHABLE');
    }
  }

  /** Stops following and forgets the request (the call took over, or it is over). */
  forget(): void {
    this.stop();
    this.current = null;
    forgetSaved();
  }

  private stop(): void {
    this.abort?.abort();
    this.abort = null;
  }

  /**
   * Long-polls the session until it leaves `requested` (`look`: read its status at once first);
   * retries quietly while the service is unreachable.
   */
  private async follow(signal: AbortSignal, look = false): Promise<void> {
    for (let failures = 0; !signal.aborted && this.current?.status === 'requested';) {
      const { base, id, token } = this.current;
      try {
        const view = await readSession(base, id, token, look ? undefined : 'requested', signal);
        look = false;
        failures = 0;
        if (!signal.aborted) this.update({ base, id, token, status: view.status });
      } catch (err) {
        if (signal.aborted) return;
        const code = codeOf(err);
        // The request's token lasts until `answerBy` unless an agent accepted: nobody did in time.
        if (code === 'ERR_TOKEN_EXPIRED') {
          this.update({ base, id, token, status: 'expired' });
          return;
        }
        if (code !== 'ERR_SIGNALLING_UNREACHABLE' && code !== 'ERR_INTERNAL') {
          this.forget();
          this.options.onError(code);
          return;
        }
        await sleep(backoffDelay(failures++, { baseMs: 1000, maxMs: 15_000, minMs: 500 }), signal);
      }
    }
  }

  private update(request: HelpRequest): void {
    this.current = request;
    try {
      if (isFinal(request.status)) sessionStorage.removeItem(STORAGE_KEY);
      else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(request));
    } catch {
      // storage blocked (privacy mode, sandboxed frame): no resume after a reload
    }
    this.options.onUpdate(request);
  }
}

function codeOf(err: unknown): ErrorCode {
  return err instanceof VideoSessionError ? err.code : 'ERR_INTERNAL';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
