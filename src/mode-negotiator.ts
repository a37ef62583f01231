/**
 * Agrees the call mode between the two widgets over the data channel. The agent's widget decides
 * every mode (so two changes can never cross): the customer's changes are requests to it. A change
 * that needs media the other person does not send now is an offer they answer (`accept`, `one-way`
 * = without my camera, `decline`), unless they already agreed to send it earlier in the session:
 * consent is remembered, so video the agent ended can be resumed without asking again, while video
 * a person stopped themselves is asked for again.
 *
 * Each new peer connection starts silent (`chat`) and the agent re-agrees the mode it had; the
 * person sees no change unless the outcome differs (e.g. a reloaded customer page that now chose
 * "chat only").
 */
import {
  exceeds,
  resolveAnswer,
  sends,
  type CallMode,
  type ModeAnswer,
  type Sends,
} from './call-modes.js';
import type { ModeMessage } from './call-messages.js';
import type { Role } from './protocol.js';

/** An offer waiting for this person's answer. */
export interface ModeOffer {
  readonly id: number;
  readonly mode: CallMode;
  /** Who asks. */
  readonly from: Role;
}

export interface ModeNegotiatorOptions {
  role: Role;
  /** Sends to the other widget; false when the data channel is not open. */
  send(message: ModeMessage): boolean;
  /**
   * What this side must send now: on every agreement (`agreed`), and `chat` while a new connection
   * waits for its first one (`agreed` false).
   */
  onApply(mode: CallMode, agreed: boolean): void;
  /** The mode the person sees changed. */
  onChange(mode: CallMode, previous: CallMode, by: Role): void;
  /** An offer this person must answer, or null when the pending one went away. */
  onOffer(offer: ModeOffer | null): void;
  /** The agent's side: the other person answered one of our offers (for reporting a decline). */
  onAnswered?(offered: CallMode, answer: ModeAnswer): void;
  /** The agent's side: an offer of ours started (true) or stopped (false) waiting for an answer. */
  onAwaiting?(awaiting: boolean): void;
}

interface Waiting {
  readonly id: number;
  readonly mode: CallMode;
  settle(answer: ModeAnswer): void;
}

const union = (a: Sends, b: Sends): Sends => ({
  audio: a.audio || b.audio,
  video: a.video || b.video,
});
const other = (role: Role): Role => (role === 'agent' ? 'customer' : 'agent');

export class ModeNegotiator {
  private readonly o: ModeNegotiatorOptions;
  /** What flows on the current connection. */
  private current: CallMode = 'chat';
  /** What the person was last shown. */
  private shown: CallMode = 'chat';
  /** The agent: the mode to (re-)establish on the next connection. */
  private target: CallMode;
  /** What this person agreed to send. */
  private consent: Sends;
  /** An answer given in advance (the customer's join choice), used for the first offer. */
  private preset: ModeAnswer | null;
  private linked = false;
  private nextId = 1;
  /** An offer of ours waiting for the other side's answer (agent), or the person's own answer. */
  private outgoing: Waiting | null = null;
  private incoming: (ModeOffer & { settle?: (answer: ModeAnswer) => void }) | null = null;
  /** The customer: requests waiting for the agent's decision. */
  private readonly requests = new Map<number, (mode: CallMode) => void>();
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * `initial`: for the agent, the mode to offer once connected. `consent`/`preset`: what this
   * person agreed to send when joining, and how that answers the first offer.
   */
  constructor(
    options: ModeNegotiatorOptions,
    init: { initial?: CallMode; consent: Sends; preset?: ModeAnswer | null },
  ) {
    this.o = options;
    this.target = init.initial ?? 'chat';
    this.consent = init.consent;
    this.preset = init.preset ?? null;
  }

  /** The mode as the person sees it (before the first connection: the agent's intended mode). */
  get mode(): CallMode {
    return this.linked || this.o.role === 'customer' ? this.shown : this.target;
  }

  /** The offer waiting for this person's answer, if any. */
  get pendingOffer(): ModeOffer | null {
    return (
      this.incoming && { id: this.incoming.id, mode: this.incoming.mode, from: this.incoming.from }
    );
  }

  /** True while the agent waits for the other person's answer. */
  get awaitingAnswer(): boolean {
    return this.outgoing !== null;
  }

  /**
   * Asks for `mode`. The agent decides (asking the customer when needed); the customer's request
   * goes to the agent. Resolves with the mode the call ends up in.
   */
  request(mode: CallMode): Promise<CallMode> {
    if (this.o.role === 'agent') {
      this.outgoing?.settle('decline'); // a newer wish replaces an unanswered offer
      return this.serial(() => this.decide(mode, 'agent'));
    }
    // The customer chooses what they send: that is their consent from now on.
    this.consent = sends(mode, 'customer');
    const id = this.nextId++;
    if (!this.linked || !this.o.send({ type: 'mode-request', id, mode })) {
      return Promise.resolve(this.shown);
    }
    return new Promise((resolve) => this.requests.set(id, resolve));
  }

  /** This person's answer to the pending offer. */
  answer(answer: ModeAnswer): void {
    const offer = this.incoming;
    if (!offer) return;
    this.incoming = null;
    this.o.onOffer(null);
    this.remember(offer.mode, answer);
    if (offer.settle) offer.settle(answer);
    else this.o.send({ type: 'mode-answer', id: offer.id, answer });
  }

  /** A new peer connection (and data channel) is up: the agent (re-)establishes its mode. */
  connected(): void {
    this.linked = true;
    this.current = 'chat';
    this.o.onApply('chat', false);
    if (this.o.role === 'agent') {
      void this.serial(() => this.decide(this.target, 'agent', undefined, true));
    }
  }

  /** The data channel closed: whatever waits for the other side settles now. */
  disconnected(): void {
    this.linked = false;
    this.outgoing?.settle('decline');
    for (const resolve of this.requests.values()) resolve(this.shown);
    this.requests.clear();
    const incoming = this.incoming;
    if (incoming) {
      this.incoming = null;
      this.o.onOffer(null);
      incoming.settle?.('decline');
    }
  }

  /** A mode message from the other widget. */
  handle(message: ModeMessage): void {
    switch (message.type) {
      case 'mode-offer':
        return this.handleOffer({ id: message.id, mode: message.mode, from: other(this.o.role) });
      case 'mode-answer':
        if (this.outgoing?.id !== message.id) return; // an answer to a question no longer asked
        this.o.onAnswered?.(this.outgoing.mode, message.answer);
        this.outgoing.settle(message.answer);
        return;
      case 'mode-request':
        if (this.o.role !== 'agent') return; // only the agent decides
        void this.serial(() => this.decide(message.mode, 'customer', message.id));
        return;
      case 'mode':
        if (this.o.role === 'agent') return;
        if (this.incoming && !this.incoming.settle) {
          // The agent moved on: the question is gone.
          this.incoming = null;
          this.o.onOffer(null);
        }
        this.apply(message.mode, message.by);
        if (message.request !== undefined) {
          this.requests.get(message.request)?.(message.mode);
          this.requests.delete(message.request);
        }
        return;
    }
  }

  /** The agent's decision for `want`, asked for by `by`. */
  private async decide(
    want: CallMode,
    by: Role,
    request?: number,
    resync = false,
  ): Promise<CallMode> {
    if (!this.linked) {
      if (by === 'agent') {
        this.target = want;
        this.consent = sends(want, 'agent');
      }
      return this.mode;
    }
    let result = want;
    if (by === 'agent') {
      this.consent = resync ? union(this.consent, sends(want, 'agent')) : sends(want, 'agent');
      if (exceeds(sends(want, 'customer'), sends(this.current, 'customer'))) {
        const answer = await this.offer(want);
        if (!this.linked) return this.mode;
        result = resolveAnswer(want, this.current, 'customer', answer);
      }
    } else if (exceeds(sends(want, 'agent'), sends(this.current, 'agent'))) {
      // The customer asks for the agent's media: within the agent's consent it just happens.
      const answer = exceeds(sends(want, 'agent'), this.consent)
        ? await this.ask({ id: this.nextId++, mode: want, from: 'customer' })
        : 'accept';
      if (!this.linked) return this.mode;
      result = resolveAnswer(want, this.current, 'agent', answer);
    }
    this.o.send({ type: 'mode', mode: result, by, ...(request !== undefined ? { request } : {}) });
    this.apply(result, by);
    return result;
  }

  /**
   * Sends an offer to the customer and waits for the answer. There is no timeout: the agent sees
   * that the question is open, and any newer request replaces it.
   */
  private offer(mode: CallMode): Promise<ModeAnswer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const waiting: Waiting = {
        id,
        mode,
        settle: (answer) => {
          if (this.outgoing !== waiting) return;
          this.outgoing = null;
          this.o.onAwaiting?.(false);
          resolve(answer);
        },
      };
      this.outgoing = waiting;
      this.o.onAwaiting?.(true);
      if (!this.o.send({ type: 'mode-offer', id, mode })) waiting.settle('decline');
    });
  }

  /** Puts an offer to this person (agent side), answered through `answer()`. */
  private ask(offer: ModeOffer): Promise<ModeAnswer> {
    return new Promise((resolve) => {
      this.incoming = { ...offer, settle: resolve };
      this.o.onOffer(offer);
    });
  }

  private handleOffer(offer: ModeOffer): void {
    if (this.o.role !== 'customer') return; // the agent is asked through `ask`, never over the wire
    const want = sends(offer.mode, 'customer');
    const preset = this.preset;
    this.preset = null;
    if (!exceeds(want, this.consent)) {
      this.o.send({ type: 'mode-answer', id: offer.id, answer: 'accept' });
      return;
    }
    if (preset) {
      this.o.send({ type: 'mode-answer', id: offer.id, answer: preset });
      return;
    }
    this.incoming = offer;
    this.o.onOffer(offer);
  }

  /** Updates this person's consent from their answer. */
  private remember(offered: CallMode, answer: ModeAnswer): void {
    const role = this.o.role;
    if (answer === 'accept') this.consent = union(this.consent, sends(offered, role));
    else if (answer === 'one-way') {
      this.consent = { audio: this.consent.audio || sends(offered, role).audio, video: false };
    }
  }

  private apply(mode: CallMode, by: Role): void {
    this.current = mode;
    if (this.o.role === 'agent') this.target = mode;
    this.o.onApply(mode, true);
    const previous = this.shown;
    if (mode === previous) return;
    this.shown = mode;
    this.o.onChange(mode, previous, by);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
