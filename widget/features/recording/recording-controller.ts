/**
 * Recording with both consents. The agent asks (that is the agent's consent); the customer's
 * widget shows the question and answers; the agent's widget starts its recorder only once the
 * customer has consented, tells the customer it runs (both show it), and stops it the moment
 * either side stops or withdraws, or the call goes. Every step is reported for the ticket's audit
 * trail (each side reports its own steps). The recorder itself (compositor, `MediaRecorder`) is a
 * lazily loaded chunk; its chunks go to local storage as they arrive.
 *
 * Methods in (`request`, `answer`, `stop`, `handle`, `disconnected`); out through the options.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { VideoSessionError, type ErrorCode } from '../../../src/errors.js';
import type { ReportedEvent } from '../../../src/events.js';
import type { Role } from '../../../src/protocol.js';
import type { RecordingMessage, RecordingStopReason } from '../../../src/recording-messages.js';
import type { RecordingRecord } from '../../core/storage/widget-db.js';
import type { RecorderHandle, RecorderSources } from './recorder.js';

/**
 * Where this side is: nothing (`idle`); the agent waits for the answer (`requesting`); the
 * customer is being asked (`asked`); the customer agreed and the recorder starts (`consented`);
 * it runs (`recording`).
 */
export type RecordingStatus = 'idle' | 'requesting' | 'asked' | 'consented' | 'recording';

/** What the recorder needs from local storage (the storage controller provides it). */
export interface RecordingStore {
  checkQuota(bytes: number): Promise<void>;
  createRecording(recording: RecordingRecord): Promise<void>;
  appendChunk(recordingId: string, seq: number, blob: Blob, at: number): Promise<void>;
  updateRecording(id: string, patch: Partial<RecordingRecord>): Promise<void>;
}

type RecordingEvent = Extract<ReportedEvent, { type: `recording.${string}` }>;

export interface RecordingOptions {
  role(): Role;
  sessionId(): string;
  send(message: RecordingMessage): boolean;
  /** Reports a step for the webhook (the audit trail). */
  report(event: RecordingEvent): void;
  /** Local storage (loaded on demand). */
  store(): Promise<RecordingStore>;
  /** What to record (the agent's side): the customer's picture, the drawings, both voices. */
  sources(): RecorderSources | null;
  onChange(status: RecordingStatus): void;
  /** The customer said no (the agent's side). */
  onDeclined(): void;
  /** A recording ended and all its chunks are stored: finalise and upload it. */
  onRecorded(id: string): void;
  onError(code: ErrorCode): void;
}

/** Recorder timeslice: at most this much is lost when the page dies. */
export const TIMESLICE_MS = 1000;
/** Free space asked for before recording starts, and re-checked every `QUOTA_EVERY` chunks. */
const QUOTA_START_BYTES = 64 * 1024 * 1024;
const QUOTA_EVERY = 5;

export class RecordingController implements ReactiveController {
  private readonly options: RecordingOptions;
  private _status: RecordingStatus = 'idle';
  /** The recording being asked about or made (its ref). */
  private id: string | null = null;
  private recorder: RecorderHandle | null = null;
  private starting: Promise<void> | null = null;

  constructor(host: ReactiveControllerHost, options: RecordingOptions) {
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    void this.end('call-ended', false);
  }

  get status(): RecordingStatus {
    return this._status;
  }

  /** The recording asked about or running on this side (its ref), if any. */
  get currentId(): string | null {
    return this.id;
  }

  /** The agent asks the customer for consent to record (and consents by asking). */
  request(): void {
    if (this.options.role() !== 'agent') throw new VideoSessionError('ERR_FORBIDDEN');
    if (this._status !== 'idle') return;
    const id = crypto.randomUUID();
    if (!this.options.send({ type: 'recording-request', id })) {
      throw new VideoSessionError('ERR_NOT_CONNECTED');
    }
    this.id = id;
    this.setStatus('requesting');
    this.report('recording.requested');
  }

  /** The customer answers the question. */
  answer(consent: boolean): void {
    if (this._status !== 'asked' || !this.id) return;
    const id = this.id;
    this.options.send({ type: consent ? 'recording-consent' : 'recording-decline', id });
    this.report(consent ? 'recording.consented' : 'recording.declined');
    if (consent) this.setStatus('consented');
    else this.reset();
  }

  /**
   * Either side ends it: the agent stops recording (or takes back the question); the customer
   * withdraws consent. The recorder stops at once (what it has is kept and uploaded).
   */
  async stop(): Promise<void> {
    if (this._status === 'idle' || !this.id) return;
    const id = this.id;
    if (this.options.role() === 'customer') {
      this.options.send({ type: 'recording-withdraw', id });
      if (this._status !== 'asked') this.report('recording.consent_withdrawn', 'withdrawn');
      else this.report('recording.declined');
      this.reset();
      return;
    }
    if (this._status === 'requesting') {
      this.options.send({ type: 'recording-withdraw', id });
      this.report('recording.consent_withdrawn', 'stopped');
      this.reset();
      return;
    }
    await this.end('stopped', true);
  }

  /** A recording message from the other widget. */
  handle(message: RecordingMessage): void {
    const agent = this.options.role() === 'agent';
    switch (message.type) {
      case 'recording-request':
        if (agent) return;
        // A new question replaces one not yet answered; one that runs is not asked twice.
        if (this._status === 'consented' || this._status === 'recording') return;
        this.id = message.id;
        this.setStatus('asked');
        return;
      case 'recording-consent':
        if (agent && this._status === 'requesting' && message.id === this.id) void this.begin();
        return;
      case 'recording-decline':
        if (agent && this._status === 'requesting' && message.id === this.id) {
          this.reset();
          this.options.onDeclined();
        }
        return;
      case 'recording-withdraw':
        if (message.id !== this.id) return;
        if (agent) void this.end('withdrawn', true);
        else this.reset();
        return;
      case 'recording-started':
        if (!agent && this._status === 'consented' && message.id === this.id) {
          this.setStatus('recording');
        }
        return;
      case 'recording-stopped':
        if (!agent && message.id === this.id) this.reset();
        return;
      default: {
        const never: never = message;
        return never;
      }
    }
  }

  /** The peer connection is gone: nothing is recorded without the other person there. */
  disconnected(): void {
    void this.end('disconnected', false);
  }

  /** Both consents exist: start the recorder, store its chunks, say it runs. */
  private async begin(): Promise<void> {
    const id = this.id!;
    const started = (async () => {
      const sources = this.options.sources();
      if (!sources) throw new VideoSessionError('ERR_RECORDING_UNSUPPORTED');
      const store = await this.options.store();
      await store.checkQuota(QUOTA_START_BYTES);
      const { startRecorder } = await import('./recorder.js');
      let seq = 0;
      let writes = Promise.resolve();
      const recorder = await startRecorder(sources, {
        timesliceMs: TIMESLICE_MS,
        onStart: (mime, at) =>
          store.createRecording({
            id,
            sessionId: this.options.sessionId(),
            mime,
            startedAt: at,
            stoppedAt: null,
            state: 'recording',
            chunks: 0,
            bytes: 0,
            lastChunkAt: at,
          }),
        onChunk: (blob, at) => {
          const n = seq++;
          writes = writes
            .then(async () => {
              await store.appendChunk(id, n, blob, at);
              if (n % QUOTA_EVERY === QUOTA_EVERY - 1) {
                await store.checkQuota(QUOTA_START_BYTES / 4);
              }
            })
            .catch((err: unknown) => this.failed(id, err));
          return writes;
        },
        onError: (err) => this.failed(id, err),
      });
      if (this.id !== id || this._status !== 'requesting') {
        // Withdrawn while it started.
        await this.finishRecorder(id, recorder);
        return;
      }
      this.recorder = recorder;
      this.options.send({ type: 'recording-started', id });
      this.setStatus('recording');
      this.report('recording.started');
    })();
    this.starting = started.catch((err: unknown) => this.failed(id, err));
    await this.starting;
    this.starting = null;
  }

  /** Stops the recorder and tells the other side (`tell`) and the ticket why. */
  private async end(reason: RecordingStopReason, tell: boolean): Promise<void> {
    const id = this.id;
    if (!id || this._status === 'idle') return;
    const wasRecording = this._status === 'recording' || this.recorder !== null;
    const agent = this.options.role() === 'agent';
    const recorder = this.recorder;
    this.recorder = null;
    this.reset();
    if (!agent) return;
    if (tell) this.options.send({ type: 'recording-stopped', id, reason });
    if (wasRecording) this.report('recording.stopped', reason, id);
    else if (reason !== 'withdrawn') this.report('recording.consent_withdrawn', reason, id);
    if (recorder) await this.finishRecorder(id, recorder);
    else if (this.starting) await this.starting;
  }

  /** Stops `recorder`, waits for its last chunk to be stored, and hands the recording on. */
  private async finishRecorder(id: string, recorder: RecorderHandle): Promise<void> {
    const stoppedAt = await recorder.stop();
    await (await this.options.store()).updateRecording(id, { stoppedAt, state: 'finalising' });
    this.options.onRecorded(id);
  }

  private failed(id: string, err: unknown): void {
    const code = err instanceof VideoSessionError ? err.code : 'ERR_RECORDING_UNSUPPORTED';
    this.options.onError(code);
    if (this.id === id) void this.end(code === 'ERR_STORAGE_QUOTA' ? 'quota' : 'error', true);
  }

  private report(
    type: RecordingEvent['type'],
    reason?: RecordingStopReason,
    id = this.id ?? undefined,
  ): void {
    this.options.report({
      type,
      at: new Date().toISOString(),
      ...(id ? { recordingRef: id } : {}),
      ...(reason ? { reason } : {}),
    } as RecordingEvent);
  }

  private reset(): void {
    this.id = null;
    this.setStatus('idle');
  }

  private setStatus(status: RecordingStatus): void {
    if (status === this._status) return;
    this._status = status;
    this.options.onChange(status);
  }
}
