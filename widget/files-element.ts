/**
 * The call's files: screenshots (taking, the taker's decision, saving for the ticket) and
 * recording with both consents, with the local storage and the resumable uploader they share.
 * Everything here loads lazily (the stills chunk when a call starts, the files chunk on joining a
 * session or first use). `VideoSession` puts a face on it.
 */
import { sends } from '../src/call-modes.js';
import { VideoSessionError } from '../src/errors.js';
import { assertNever } from '../src/parse.js';
import type { RecordingMessage } from '../src/recording-messages.js';
import type { StillMessage } from '../src/still-messages.js';
import { ChatElement } from './chat-element.js';
import type { RecordingController, RecordingStatus } from './controllers/recording-controller.js';
import type { StillController } from './controllers/still-controller.js';
import type { Still } from './stills/still.js';
import type { StorageController } from './controllers/storage-controller.js';
import type { Transfer } from './controllers/transfer-controller.js';
import type { UploadController } from './controllers/upload-controller.js';
import { VsRecordingChangeEvent, VsScreenshotEvent, VsUploadProgressEvent } from './events.js';
import type { RecorderSources } from './recording/recorder.js';
import { listFiles, serviceBase } from './service-api.js';
import type * as StillsModule from './stills/stills.js';
import type { RecordingViews } from './views/call-view.js';

/** The lazily loaded local storage and uploader of a call. */
interface Files {
  storage: StorageController;
  uploads: UploadController;
  recording: RecordingController;
  /** Finalises a stopped recording and uploads it. */
  uploadRecording(id: string): Promise<void>;
  /** Finishes what an earlier page left for the session (but the recording `runningId`). */
  recover(sessionId: string, runningId: string | null): Promise<void>;
  /** Stores a saved still of `sessionId` on this device and uploads it (resolves once stored). */
  saveStill(still: Still & { blob: Blob }, sessionId: string): Promise<void>;
}

/** Screenshots and recording over the call (see the module's comment). */
export abstract class FilesElement extends ChatElement {
  private filesLoading: Promise<Files> | null = null;

  /** Recording with both consents (in the files chunk; the agent's widget records). */
  protected recording: RecordingController | null = null;
  /** The recording views (prompt, indicator, record button), from the files chunk. */
  protected recordingViews: RecordingViews | null = null;
  /** Recording messages that arrived before the files chunk was loaded. */
  private readonly earlyRecording: RecordingMessage[] = [];
  /** The session's screenshots (a separate chunk, loaded when the call starts). */
  protected stills: StillController | null = null;
  /** The loaded feature's module (its views and styles are the face's). */
  protected stillsModule: typeof StillsModule | null = null;
  private stillsLoading: Promise<StillController> | null = null;
  /** Still messages and files that arrived before the feature was loaded. */
  private readonly earlyStills: (StillMessage | Transfer)[] = [];
  private readonly announced = new WeakSet<Still>();
  /** Counts the asks for the session's saved screenshots: only the latest answer is shown. */
  private savedAsked = 0;

  /**
   * Takes a screenshot of the picture: the customer's camera (the agent's in `one-way-agent`), at
   * the size the camera delivers, with the marks on it as shown, as a PNG. It is taken on the side
   * whose camera it is and sent to the other, so both hold the same bytes (`vs-screenshot` on
   * each side). Resolves once both have it; rejects with `ERR_STILL_UNAVAILABLE` (no camera
   * picture: paused, or not sent in this mode), `ERR_NOT_CONNECTED` or a file-transfer code.
   * This side then decides on it: `saveScreenshot` or `discardScreenshot`.
   */
  takeScreenshot(): Promise<Still> {
    if (this._state !== 'connected') {
      return Promise.reject(new VideoSessionError('ERR_NOT_CONNECTED'));
    }
    return this.loadStills().then((stills) => stills.take());
  }

  /**
   * The session's screenshots on this side, oldest first, with those the service has that this
   * page never held (saved before it joined): `blob` null, `link` to the service's PNG.
   */
  get screenshots(): readonly Still[] {
    return this.stills?.stills ?? [];
  }

  /**
   * Saves a screenshot this side took (`vs-screenshot`): `blob` is the PNG to keep, the still's
   * own when omitted (then the bytes stay identical on both sides and the service). An edited
   * `blob` replaces the still on both sides. It is stored on this device first, then uploaded
   * for the ticket (`vs-upload-progress`); the local copy goes once the service has it. Resolves
   * once stored here; rejects with `ERR_STILL_UNAVAILABLE` (not this side's to save, or already
   * decided) or `ERR_STORAGE_QUOTA` / `ERR_STORAGE_UNAVAILABLE`.
   */
  async saveScreenshot(id: string, blob?: Blob): Promise<Still> {
    const stills = await this.loadStills();
    const still = stills.stills.find((s) => s.id === id);
    const own = still?.blob ?? null;
    return stills.save(id, blob ?? own ?? new Blob(), blob !== undefined && blob !== own);
  }

  /** Throws away a screenshot this side took, on both sides; nothing is stored or uploaded. */
  discardScreenshot(id: string): void {
    if (!this.stills) throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
    this.stills.discard(id);
  }

  /**
   * Where recording is on this side: `idle`, `requesting` (the agent waits for the answer), `asked`
   * (the customer must answer), `consented` (it is about to start) or `recording`.
   */
  get recordingStatus(): RecordingStatus {
    return this.recording?.status ?? 'idle';
  }

  /**
   * The agent asks the customer to consent to recording the call (asking is the agent's consent).
   * Nothing is recorded until the customer agrees.
   */
  async requestRecording(): Promise<void> {
    (await this.files()).recording.request();
  }

  /** The customer answers the recording question (`vs-recording-change` with status `asked`). */
  answerRecording(consent: boolean): void {
    this.recording?.answer(consent);
  }

  /**
   * Stops the recording (agent) or withdraws consent (customer); it stops within one chunk, and
   * what was recorded until then is uploaded for the ticket.
   */
  async stopRecording(): Promise<void> {
    await this.recording?.stop();
  }

  /**
   * Finishes what an earlier page left for this session (a recording, an upload cut short), and
   * shows the screenshots already saved to the ticket (again after a reconnect).
   */
  protected override welcomed(): void {
    super.welcomed();
    void this.showSaved();
    this.files()
      .then((f) => f.recover(this.sessionId, f.recording.currentId))
      .catch((err: unknown) =>
        console.warn(`[video-session] files left from before not uploaded yet: ${String(err)}`),
      );
  }

  protected override sessionStarting(): void {
    super.sessionStarting();
    this.stills?.clear();
    void this.loadStills().catch(() => undefined);
  }

  protected override onDisconnected(): void {
    this.recording?.disconnected();
    super.onDisconnected();
    this.stills?.abort();
  }

  protected override onFileMessage(message: StillMessage | RecordingMessage): void {
    switch (message.type) {
      case 'recording-request':
      case 'recording-consent':
      case 'recording-decline':
      case 'recording-withdraw':
      case 'recording-started':
      case 'recording-stopped':
        if (this.recording) this.recording.handle(message);
        else if (this.earlyRecording.push(message) <= 20) void this.files().catch(() => undefined);
        return;
      case 'still-request':
      case 'still-failed':
      case 'still-saved':
      case 'still-discarded':
      case 'still-upload':
        if (this.stills) this.stills.handle(message);
        else this.stillEarly(message);
        return;
      default:
        assertNever(message);
    }
  }

  protected override onStillTransfer(transfer: Transfer): void {
    if (this.stills) this.stills.handleTransfer(transfer);
    else this.stillEarly(transfer);
  }

  /** Loads the screenshot feature once. */
  private loadStills(): Promise<StillController> {
    this.stillsLoading ??= import('./stills/stills.js').then(
      (module) => {
        const { CaptureController, StillController } = module;
        const capture = new CaptureController(this);
        const stills = new StillController(this, {
          role: () => this.myRole,
          source: () => this.stillSource(),
          capture: () => {
            const own = sends(this.applied, this.myRole).video && !this.videoPaused;
            const track = own ? (this.screen.track ?? this.media.videoTrack) : null;
            // The marks are drawn on the customer's picture.
            const paint =
              this.myRole === 'customer'
                ? (ctx: CanvasRenderingContext2D, w: number, h: number) =>
                    this.paintMarks(ctx, w, h)
                : null;
            return capture.grab(track, paint);
          },
          send: (message) => this.peer.send(message),
          sendFile: (blob, name, ref) => this.transfers.send(blob, name, 'still', ref),
          persist: async (still) => (await this.files()).saveStill(still, this.sessionId),
          onUpdate: (still) => this.stillUpdated(still),
        });
        this.stills = stills;
        this.stillsModule = module;
        this.stillsLoaded();
        const early = [...new Set(this.earlyStills.splice(0))];
        for (const item of early) {
          if ('purpose' in item) stills.handleTransfer(item);
          else stills.handle(item);
        }
        return stills;
      },
      (err: unknown) => {
        console.warn('[video-session] screenshots unavailable:', err);
        this.stillsLoading = null;
        for (const item of this.earlyStills.splice(0)) {
          if (!('purpose' in item) && item.type === 'still-request') {
            this.peer.send({ type: 'still-failed', id: item.id, code: 'ERR_STILL_UNAVAILABLE' });
          }
        }
        throw new VideoSessionError('ERR_STILL_UNAVAILABLE');
      },
    );
    return this.stillsLoading;
  }

  /**
   * Asks the service for the session's files: its screenshots are saved, and those this page does
   * not know join the gallery. Not getting them only costs that (the call goes on); a customer of
   * an internal session is refused them, which is as it should be and says nothing.
   */
  private async showSaved(): Promise<void> {
    const asked = ++this.savedAsked;
    const sessionId = this.sessionId;
    try {
      const [stills, { files }] = await Promise.all([
        this.loadStills(),
        listFiles(serviceBase(this.signallingUrl), sessionId, this.token),
      ]);
      if (asked === this.savedAsked && sessionId === this.sessionId) stills.stored(files);
    } catch (err) {
      if (err instanceof VideoSessionError && err.code === 'ERR_SESSION_INTERNAL') return;
      console.warn(`[video-session] saved screenshots not listed: ${String(err)}`);
    }
  }

  /** A still message or file before the feature is loaded: kept (bounded) until it is. */
  private stillEarly(item: StillMessage | Transfer): void {
    if (this.earlyStills.length < 100) this.earlyStills.push(item);
    void this.loadStills().catch(() => undefined);
  }

  private stillUpdated(still: Still): void {
    if (still.blob && (still.state === 'done' || still.state === 'failed')) {
      if (!this.announced.has(still)) {
        this.announced.add(still);
        this.dispatchEvent(new VsScreenshotEvent(still));
      }
    }
    this.requestUpdate();
  }

  /** The screenshot feature was loaded. */
  protected stillsLoaded(): void {}

  /** Whose camera a screenshot shows now: the customer's, or the agent's when only theirs is sent. */
  protected stillSource(): 'agent' | 'customer' | null {
    if (sends(this.applied, 'customer').video) return 'customer';
    return sends(this.applied, 'agent').video ? 'agent' : null;
  }

  /**
   * Local storage (screenshots, recordings until the service has them) and the resumable
   * uploader: a lazily loaded chunk, loaded once (on joining a session, or on first use).
   */
  protected files(): Promise<Files> {
    this.filesLoading ??= import('./files.js').then((files) => {
      const storage = new files.StorageController(this);
      const uploads: UploadController = new files.UploadController(this, {
        signallingUrl: () => this.signallingUrl,
        token: () => this.token || null,
        onProgress: (p) => {
          if (p.kind === 'screenshot') this.stills?.uploadProgress(p.ref, p.loaded, p.size);
          this.dispatchEvent(new VsUploadProgressEvent(p));
        },
        onDone: (file) => {
          this.stills?.stored([file]);
          this.dispatchEvent(
            new VsUploadProgressEvent(
              { ref: file.ref, kind: file.kind, loaded: file.size, size: file.size },
              file,
            ),
          );
        },
        onError: (ref, err) => {
          this.stills?.uploadFailed(ref, err.code);
          this.fail(err.code, false);
        },
      });
      const recording = new files.RecordingController(this, {
        role: () => this.myRole,
        sessionId: () => this.sessionId,
        send: (message) => this.peer.send(message),
        report: (event) => this.sendReport(event),
        store: () => Promise.resolve(storage),
        sources: () => this.recordingSources(),
        onChange: (status) => {
          this.requestUpdate();
          this.dispatchEvent(new VsRecordingChangeEvent(status));
        },
        onDeclined: () => (this._notice = this.t.recording.declined(this.peerName)),
        onRecorded: (id) => void files.uploadRecording(storage, uploads, id),
        onError: (code) => {
          // The agent sees why it stopped (out of space, no recorder), not just the indicator go.
          this._notice = this.t.errors[code];
          this.fail(code, false);
        },
      });
      this.recording = recording;
      this.recordingViews = files.recordingViews;
      for (const message of this.earlyRecording.splice(0)) recording.handle(message);
      this.requestUpdate();
      return {
        storage,
        uploads,
        recording,
        uploadRecording: (id) => files.uploadRecording(storage, uploads, id),
        recover: (sessionId, runningId) =>
          files.recoverSession(storage, uploads, sessionId, runningId),
        saveStill: (still, sessionId) => files.saveStill(storage, uploads, still, sessionId),
      };
    });
    this.filesLoading.catch(() => (this.filesLoading = null));
    return this.filesLoading;
  }

  /** What the agent's recorder records: the customer's camera as received, with both voices. */
  private recordingSources(): RecorderSources | null {
    const stream = this._remoteStream;
    const video = stream?.getVideoTracks().find((t) => t.readyState === 'live');
    if (!stream || !video || !this._remoteMedia.video) return null;
    const audio = [...stream.getAudioTracks(), this.media.audioTrack].filter(
      (t): t is MediaStreamTrack => t !== null && t.readyState === 'live',
    );
    return { video, audio, paint: (ctx, w, h) => this.paintMarks(ctx, w, h) };
  }
}
