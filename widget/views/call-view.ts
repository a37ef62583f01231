/**
 * What the views render, as one plain object the element builds on each render, and what they can
 * ask the element to do. Views are functions of these two: no state of their own, no controllers.
 */
import type { DeviceStatus, MediaState } from '../../src/call-messages.js';
import type { CallMode, ModeAnswer } from '../../src/call-modes.js';
import type { ErrorCode } from '../../src/errors.js';
import type { ModeOffer } from '../../src/mode-negotiator.js';
import type { QualityLevel, QualitySample } from '../../src/network-quality.js';
import type { Role } from '../../src/protocol.js';
import type { DeviceChoice, Preset } from '../core/media/media-controller.js';
import type { Fit } from '../features/layout/layout-controller.js';
import type { RecordingStatus } from '../features/recording/recording-controller.js';
import type { RecordingViews } from '../features/recording/recording-feature.js';
import type { ChatEntry } from '../features/chat/chat-log.js';
import type { CallState } from '../core/call/call-controller.js';
import type { Messages } from '../messages.js';

export type DeviceKind = keyof DeviceChoice;
/** A side panel, or the More menu (the controls that do not fit a narrow element). */
export type Panel = 'settings' | 'chat' | 'gallery' | 'more';

export interface CallView {
  t: Messages;
  state: CallState;
  role: Role;
  peerName: string;
  /** The agreed mode, as the person sees it. */
  mode: CallMode;
  /** Joined and not ended. */
  live: boolean;
  /** The call timer text while connected. */
  timer: string;
  serviceAway: boolean;
  error: ErrorCode | null;
  /** This person left the session (it is still open). */
  left: boolean;
  /** An offer this person must answer. */
  offer: ModeOffer | null;
  /** The agent waits for the other person's answer. */
  awaitingAnswer: boolean;
  /** A short notice shown over the stage (a declined offer...). */
  notice: string | null;
  /** The notice tells of the other person's screenshot: it offers to show it. */
  noticeShowsStill: boolean;
  remoteStream: MediaStream | null;
  remote: MediaState;
  preview: MediaStream;
  /** What this side sends now. */
  sendsAudio: boolean;
  sendsVideo: boolean;
  /** What the mode asks this side to send (a blocked camera sends nothing). */
  wantsAudio: boolean;
  wantsVideo: boolean;
  sharing: boolean;
  screenSupported: boolean;
  muted: boolean;
  videoPaused: boolean;
  /** The browser lists a camera (the join screen offers video only then). */
  hasCamera: boolean;
  /** The speaker chosen for the other person's audio ('' = default). */
  sinkId: string;
  /** The last network reading, while a call runs. */
  quality: { sample: QualitySample; level: QualityLevel } | null;
  /** What the link suggests: voice only (poor), video back (recovered). */
  netOffer: 'voice' | 'video' | null;
  /** The open side panel, if any. */
  panel: Panel | null;
  /** What the end of the call shows under its words (the session's screenshots). */
  after: unknown;
  /** How much of the tool bar fits the element's width. */
  fit: Fit;
  /** The session's chat so far. */
  chat: readonly ChatEntry[];
  /** Messages and files from the other person since the chat was last open. */
  unread: number;
  emojiOpen: boolean;
  maxFileSize: number;
  devices: readonly MediaDeviceInfo[];
  choice: DeviceChoice;
  sinkSupported: boolean;
  preset: Preset;
  /** What the camera really delivers (the preset is only an ideal). */
  videoSize: { width: number; height: number } | null;
  /** More than one camera (front and back on phones). */
  canFlip: boolean;
  permissions: Record<'camera' | 'microphone', DeviceStatus>;
  fullscreenSupported: boolean;
  fullscreen: boolean;
  pipSupported: boolean;
  pip: boolean;
  minimized: boolean;
  /** Sends the customer's rating; set when the rating prompt is to be shown. */
  rate: ((score: number, comment: string) => Promise<void>) | null;
  /** The customer shows their own camera large (the picture both draw on), the agent's small. */
  ownLarge: boolean;
  /** A screenshot can be taken now (someone's camera is sent); how many the session has. */
  canScreenshot: boolean;
  stillCount: number;
  /** The drawing layer once loaded: its tool bar (and text field), and whether a tool is in hand. */
  drawing: { tools: unknown; active: boolean } | null;
  /** Where recording is on this side. */
  recording: RecordingStatus;
  /** The network details of the status pill, once the panels' chunk is loaded. */
  panels: { network(v: CallView, level: QualityLevel, sample: QualitySample): unknown } | null;
  /** The recording views, once their chunk is loaded. */
  recordingViews: RecordingViews | null;
}

export interface CallActions {
  join(media: { audio: boolean; video: boolean }): void;
  retry(): void;
  answer(answer: ModeAnswer): void;
  setMode(mode: CallMode): void;
  cancelOffer(): void;
  toggleMute(): void;
  togglePause(): void;
  toggleScreen(): void;
  endCall(): void;
  hangUp(): void;
  togglePanel(panel: Panel): void;
  /** Closes the More menu if it is open (and nothing else). */
  closeMore(): void;
  acceptNetwork(accept: boolean): void;
  sendMessage(text: string): void;
  sendFiles(files: File[]): void;
  toggleEmoji(): void;
  useDevice(kind: DeviceKind, deviceId: string): void;
  setPreset(preset: Preset): void;
  flipCamera(): void;
  toggleFullscreen(): void;
  togglePip(): void;
  toggleMinimized(): void;
  startDrag(event: PointerEvent): void;
  nudge(event: KeyboardEvent): void;
  /** Swaps the two videos (the customer's own camera large, or the agent's). */
  swapVideos(): void;
  requestRecording(): void;
  answerRecording(consent: boolean): void;
  stopRecording(): void;
  takeScreenshot(): void;
}

/** The label of `mode` for the person looking at it. */
export function modeLabel(t: Messages, mode: CallMode, role: Role): string {
  const label = t.modes[mode];
  if (typeof label === 'string') return label;
  return label((mode === 'one-way-agent') === (role === 'agent'));
}
