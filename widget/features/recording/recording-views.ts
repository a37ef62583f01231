/**
 * Recording, as both people see it: the customer's consent question (what is recorded, who can
 * see it), the indicator while it runs, and the button that asks, stops or withdraws.
 */
import { html, nothing, svg } from 'lit';
import type { Role } from '../../../src/protocol.js';
import type { CallState } from '../../core/call/call-controller.js';
import { icon } from '../../icons.js';
import type { Messages } from '../../messages.js';
import type { RecordingStatus } from './recording-controller.js';

const recordIcon = icon(svg`<circle cx="12" cy="12" r="9"/><circle cx="12" cy="12" r="4"/>`);

/** What the recording views show (the element's view has all of it). */
export interface RecordingView {
  t: Messages;
  state: CallState;
  role: Role;
  peerName: string;
  recording: RecordingStatus;
  /** The other person's video arrives (the agent records it). */
  remote: { video: boolean };
}

/** What the recording views can ask for. */
export interface RecordingActions {
  requestRecording(): void;
  answerRecording(consent: boolean): void;
  stopRecording(): void;
}

/** The customer's question; shown over the stage until answered. */
export function recordingPrompt(v: RecordingView, a: RecordingActions) {
  const { t } = v;
  return html`<div class="overlay asking">
    <div
      class="prompt"
      part="recording-prompt"
      role="alertdialog"
      aria-labelledby="recording-title"
      aria-describedby="recording-what recording-who"
    >
      <p id="recording-title" class="final">${t.recording.promptTitle(v.peerName)}</p>
      <p id="recording-what">${t.recording.promptWhat}</p>
      <p id="recording-who">${t.recording.promptWho(v.peerName)}</p>
      <p class="hint">${t.recording.promptNothing}</p>
      <div class="prompt-actions">
        <button class="join" @click=${() => a.answerRecording(true)}>${t.recording.allow}</button>
        <button class="secondary" autofocus @click=${() => a.answerRecording(false)}>
          ${t.recording.deny}
        </button>
      </div>
    </div>
  </div>`;
}

/** The indicator on both sides while the recorder runs. */
export function recordingIndicator(v: RecordingView) {
  return v.recording === 'recording'
    ? html`<span part="recording-indicator" class="recording-indicator" role="status">
        <span class="rec-dot" aria-hidden="true"></span>${v.t.recording.indicator}
      </span>`
    : nothing;
}

/** The tool bar's button: the agent asks or stops; the customer withdraws. */
export function recordButton(v: RecordingView, a: RecordingActions) {
  const { t } = v;
  const agent = v.role === 'agent';
  const status = v.recording;
  if (!agent && status !== 'recording' && status !== 'consented') return nothing;
  const label =
    status === 'idle'
      ? t.recording.record
      : status === 'requesting'
        ? t.recording.cancel
        : agent
          ? t.recording.stop
          : t.recording.withdraw;
  return html`<button
    class="control record ${status === 'recording' ? 'on' : ''}"
    part="record-button"
    aria-pressed=${status === 'idle' ? 'false' : 'true'}
    aria-label=${label}
    title=${label}
    ?disabled=${v.state !== 'connected' || (agent && status === 'idle' && !v.remote.video)}
    @click=${() => (status === 'idle' ? a.requestRecording() : a.stopRecording())}
  >
    ${recordIcon}
  </button>`;
}
