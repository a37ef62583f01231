/**
 * Recording with everyone's consent: the agent asks, the customer answers, the agent's widget
 * records the customer's picture with the marks and both voices, stores it on the device chunk by
 * chunk, and uploads it once stopped; a recording an earlier page left is finished on the next join.
 *
 * This front is in the main script; the feature is a chunk (`recording-chunk.ts`), loaded on
 * joining a session or when recording is first asked for. Messages that arrive before it is there
 * wait in the `Lazy` helper. What it records comes in as an option (`sources`).
 */
import type { ReactiveControllerHost } from 'lit';
import type { ErrorCode, VideoSessionError } from '../../../src/errors.js';
import type { ReportedEvent } from '../../../src/events.js';
import type { PeerMessage } from '../../../src/peer-messages.js';
import type { Role } from '../../../src/protocol.js';
import type { RecordingMessage } from '../../../src/recording-messages.js';
import type { CallFeature } from '../../core/call/call-controller.js';
import { Lazy } from '../../core/lazy.js';
import type { MessageRouter } from '../../core/router.js';
import type { Kept } from '../../core/upload/persistence.js';
import type { RecorderSources } from './recorder.js';
import type * as RecordingChunk from './recording-chunk.js';
import type { RecordingController, RecordingStatus } from './recording-controller.js';

type Chunk = typeof RecordingChunk;

export type { RecordingStatus };

/** The recording views, once the chunk is loaded. */
export type RecordingViews = Pick<Chunk, 'recordButton' | 'recordingIndicator' | 'recordingPrompt'>;

export interface RecordingFeatureOptions {
  router: MessageRouter;
  role(): Role;
  sessionId(): string;
  /** Sends to everyone in the call; false when nobody got it. */
  send(message: PeerMessage): boolean;
  /** Reports a consent step this side witnessed, for the ticket. */
  report(event: ReportedEvent): void;
  /** This device's storage and uploader. */
  persistence(): Promise<Kept>;
  /** What the agent's recorder records now (null: nothing to record). */
  sources(): RecorderSources | null;
  onChange(status: RecordingStatus): void;
  /** The customer said no (the agent's side). */
  onDeclined(): void;
  /** Recording stopped on its own (out of space, no recorder): the agent is told why. */
  onError(code: ErrorCode): void;
  /** The feature's chunk could not be loaded. */
  onChunkError(error: VideoSessionError): void;
}

export class RecordingFeature implements CallFeature {
  private readonly host: ReactiveControllerHost;
  private readonly options: RecordingFeatureOptions;
  private readonly lazy: Lazy<
    Chunk,
    { chunk: Chunk; recording: RecordingController },
    RecordingMessage
  >;

  constructor(host: ReactiveControllerHost, options: RecordingFeatureOptions) {
    this.host = host;
    this.options = options;
    this.lazy = new Lazy({
      name: 'recording',
      import: () => import('./recording-chunk.js'),
      build: (chunk) => this.build(chunk),
      deliver: ({ recording }, message) => recording.handle(message),
      onFailed: (error) => options.onChunkError(error),
    });
    options.router.register(
      [
        'recording-request',
        'recording-consent',
        'recording-decline',
        'recording-withdraw',
        'recording-started',
        'recording-stopped',
      ],
      (message) => this.lazy.handle(message),
    );
  }

  /** Where recording is on this side (see `VideoSession.recordingStatus`). */
  get status(): RecordingStatus {
    return this.lazy.value?.recording.status ?? 'idle';
  }

  /** The views, once the chunk is loaded (null before). */
  get views(): RecordingViews | null {
    return this.lazy.value?.chunk ?? null;
  }

  /** The agent asks everyone to consent to recording the call. */
  async request(): Promise<void> {
    (await this.lazy.load()).recording.request();
  }

  /** The customer answers the recording question. */
  answer(consent: boolean): void {
    this.lazy.value?.recording.answer(consent);
  }

  /** Stops the recording (agent) or withdraws consent (customer). */
  async stop(): Promise<void> {
    await this.lazy.value?.recording.stop();
  }

  /** Finishes the recordings an earlier page of this session left. */
  callSettled(): void {
    if (this.options.role() !== 'agent') return; // the agent's widget records
    const sessionId = this.options.sessionId();
    Promise.all([this.lazy.load(), this.options.persistence()])
      .then(([{ chunk, recording }, { storage, uploads }]) =>
        chunk.recoverRecordings(storage, uploads, sessionId, recording.currentId),
      )
      .catch((err: unknown) =>
        console.warn(
          `[video-session] recordings left from before not uploaded yet: ${String(err)}`,
        ),
      );
  }

  personDisconnected(): void {
    this.lazy.value?.recording.disconnected();
  }

  private build(chunk: Chunk) {
    const o = this.options;
    const recording = new chunk.RecordingController(this.host, {
      role: o.role,
      sessionId: o.sessionId,
      send: (message) => o.send(message),
      report: (event) => o.report(event),
      store: async () => (await o.persistence()).storage,
      sources: o.sources,
      onChange: (status) => {
        this.host.requestUpdate();
        o.onChange(status);
      },
      onDeclined: o.onDeclined,
      onRecorded: (id) =>
        void o
          .persistence()
          .then(({ storage, uploads }) => chunk.uploadRecording(storage, uploads, id)),
      onError: o.onError,
    });
    this.host.requestUpdate();
    return { chunk, recording };
  }
}
