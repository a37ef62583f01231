/**
 * The call controls: microphone, camera, screen, the call mode, and ending (the call first, then
 * the session or your part in it).
 */
import { html, nothing } from 'lit';
import { CALL_MODES, type CallMode } from '../../src/call-modes.js';
import {
  cameraIcon,
  cameraOffIcon,
  chatIcon,
  gearIcon,
  hangUpIcon,
  leaveIcon,
  micIcon,
  micOffIcon,
  phoneIcon,
  screenIcon,
  snapIcon,
} from '../icons.js';
import { modeLabel, type CallActions, type CallView } from './call-view.js';

export function toolbar(v: CallView, a: CallActions) {
  const { t } = v;
  const connected = v.state === 'connected';
  const chat = v.mode === 'chat';
  return html`<div part="toolbar" class="toolbar" role="toolbar" aria-label=${t.toolbar}>
    ${toggle(
      v.muted || !v.sendsAudio,
      !v.sendsAudio,
      v.muted ? t.unmute : t.mute,
      micIcon,
      micOffIcon,
      () => a.toggleMute(),
    )}
    ${toggle(
      v.videoPaused || !v.sendsVideo,
      !v.sendsVideo || v.sharing,
      v.videoPaused ? t.resumeVideo : t.pauseVideo,
      cameraIcon,
      cameraOffIcon,
      () => a.togglePause(),
    )}
    <button
      class="control"
      part="screen-button"
      aria-pressed=${v.sharing ? 'true' : 'false'}
      aria-label=${v.screenSupported ? (v.sharing ? t.stopSharing : t.shareScreen) : t.screenUnsupported}
      title=${v.screenSupported ? (v.sharing ? t.stopSharing : t.shareScreen) : t.screenUnsupported}
      ?disabled=${!v.screenSupported || !connected}
      @click=${() => a.toggleScreen()}
    >
      ${screenIcon}
    </button>
    <button
      class="control"
      part="screenshot-button"
      aria-label=${t.takeScreenshot}
      title=${t.takeScreenshot}
      ?disabled=${!connected || !v.canScreenshot}
      @click=${() => a.takeScreenshot()}
    >
      ${snapIcon}
    </button>
    ${
      v.stillCount
        ? html`<button
            class="control"
            part="gallery-button"
            aria-label=${t.screenshotsCount(v.stillCount)}
            title=${t.screenshotsCount(v.stillCount)}
            aria-expanded=${v.panel === 'gallery' ? 'true' : 'false'}
            @click=${() => a.togglePanel('gallery')}
          >
            <span aria-hidden="true">${v.stillCount}</span>
          </button>`
        : ''
    }
    <button
      class="control"
      part="chat-button"
      aria-label=${v.unread ? t.chatUnread(v.unread) : t.openChat}
      title=${v.unread ? t.chatUnread(v.unread) : t.openChat}
      aria-expanded=${v.panel === 'chat' ? 'true' : 'false'}
      @click=${() => a.togglePanel('chat')}
    >
      ${chatIcon}${v.unread ? html`<span class="badge" aria-hidden="true">${v.unread}</span>` : ''}
    </button>
    ${v.recordingViews?.recordButton(v, a) ?? nothing}
    <button
      class="control"
      part="settings-button"
      aria-label=${t.settings}
      title=${t.settings}
      aria-expanded=${v.panel === 'settings' ? 'true' : 'false'}
      @click=${() => a.togglePanel('settings')}
    >
      ${gearIcon}
    </button>
    <select
      class="mode-select"
      part="mode-select"
      aria-label=${t.modeGroup}
      title=${t.modeGroup}
      ?disabled=${!connected}
      @change=${(e: Event) => a.setMode((e.target as HTMLSelectElement).value as CallMode)}
    >
      ${CALL_MODES.map(
        (m) =>
          html`<option value=${m} ?selected=${m === v.mode}>${modeLabel(t, m, v.role)}</option>`,
      )}
    </select>
    ${
      chat
        ? html`<button
              class="control start"
              aria-label=${t.startVideo}
              title=${t.startVideo}
              ?disabled=${!connected}
              @click=${() => a.setMode('two-way')}
            >
              ${phoneIcon}
            </button>
            <button
              class="control hang-up"
              aria-label=${v.role === 'agent' ? t.endSession : t.leave}
              title=${v.role === 'agent' ? t.endSession : t.leave}
              @click=${() => a.hangUp()}
            >
              ${leaveIcon}
            </button>`
        : html`<button
            class="control hang-up"
            aria-label=${t.endCall}
            title=${t.endCall}
            ?disabled=${!connected}
            @click=${() => a.endCall()}
          >
            ${hangUpIcon}
          </button>`
    }
  </div>`;
}

function toggle(
  off: boolean,
  disabled: boolean,
  label: string,
  on: unknown,
  offIcon: unknown,
  click: () => void,
) {
  return html`<button
    class="control"
    aria-pressed=${off && !disabled ? 'true' : 'false'}
    aria-label=${label}
    title=${label}
    ?disabled=${disabled}
    @click=${click}
  >
    ${off ? offIcon : on}
  </button>`;
}
