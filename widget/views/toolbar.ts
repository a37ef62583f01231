/**
 * The call controls: microphone, camera, screen, the call mode, and ending (the call first, then
 * the session or your part in it). They are laid out by the element's own width (`v.fit`): what
 * does not fit goes into the More menu, which holds the very same buttons, and hang-up is always in
 * view. Each control has a rank: 0 always in the bar, 1 in the bar unless the element is narrow, 2
 * only when it is wide.
 */
import { html, nothing, type TemplateResult } from 'lit';
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
  moreIcon,
  phoneIcon,
  screenIcon,
  snapIcon,
} from '../icons.js';
import { modeLabel, type CallActions, type CallView } from './call-view.js';

type Rank = 0 | 1 | 2;
const SHOWN: Record<CallView['fit'], Rank> = { wide: 2, medium: 1, narrow: 0 };

export function toolbar(v: CallView, a: CallActions) {
  const { t } = v;
  const connected = v.state === 'connected';
  const chat = v.mode === 'chat';
  const open = v.panel === 'more';
  // In chat only, the microphone and camera send nothing: starting video is what matters.
  const deviceRank: Rank = chat ? 2 : 0;
  const controls: [Rank, unknown][] = [
    [
      deviceRank,
      toggle(
        v.muted || !v.sendsAudio,
        !v.sendsAudio,
        v.muted ? t.unmute : t.mute,
        micIcon,
        micOffIcon,
        () => a.toggleMute(),
      ),
    ],
    [
      deviceRank,
      toggle(
        v.videoPaused || !v.sendsVideo,
        !v.sendsVideo || v.sharing,
        v.videoPaused ? t.resumeVideo : t.pauseVideo,
        cameraIcon,
        cameraOffIcon,
        () => a.togglePause(),
      ),
    ],
    [
      0,
      html`<button
        class="control"
        part="chat-button"
        aria-label=${v.unread ? t.chatUnread(v.unread) : t.openChat}
        title=${v.unread ? t.chatUnread(v.unread) : t.openChat}
        aria-expanded=${v.panel === 'chat' ? 'true' : 'false'}
        @click=${() => a.togglePanel('chat')}
      >
        ${chatIcon}${v.unread ? html`<span class="badge" aria-hidden="true">${v.unread}</span>` : ''}
      </button>`,
    ],
    [
      1,
      html`<button
        class="control"
        part="screenshot-button"
        aria-label=${t.takeScreenshot}
        title=${t.takeScreenshot}
        ?disabled=${!connected || !v.canScreenshot}
        @click=${() => a.takeScreenshot()}
      >
        ${snapIcon}
      </button>`,
    ],
    [
      1,
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
        : nothing,
    ],
    [1, v.recordingViews?.recordButton(v, a) ?? nothing],
    [
      2,
      html`<button
        class="control"
        part="screen-button"
        aria-pressed=${v.sharing ? 'true' : 'false'}
        aria-label=${v.screenSupported ? (v.sharing ? t.stopSharing : t.shareScreen) : t.screenUnsupported}
        title=${v.screenSupported ? (v.sharing ? t.stopSharing : t.shareScreen) : t.screenUnsupported}
        ?disabled=${!v.screenSupported || !connected}
        @click=${() => a.toggleScreen()}
      >
        ${screenIcon}
      </button>`,
    ],
    [
      2,
      html`<button
        class="control"
        part="settings-button"
        aria-label=${t.settings}
        title=${t.settings}
        aria-expanded=${v.panel === 'settings' ? 'true' : 'false'}
        @click=${() => a.togglePanel('settings')}
      >
        ${gearIcon}
      </button>`,
    ],
    [
      2,
      html`<select
        class="mode-select"
        part="mode-select"
        aria-label=${t.modeGroup}
        title=${t.modeGroup}
        ?disabled=${!connected}
        @change=${(e: Event) => {
          a.setMode((e.target as HTMLSelectElement).value as CallMode);
          a.closeMore();
        }}
      >
        ${CALL_MODES.map(
          (m) =>
            html`<option value=${m} ?selected=${m === v.mode}>${modeLabel(t, m, v.role)}</option>`,
        )}
      </select>`,
    ],
  ];
  const shown = SHOWN[v.fit];
  const inBar = controls.filter(([rank]) => rank <= shown).map(([, c]) => c);
  const inMenu = controls.filter(([rank]) => rank > shown).map(([, c]) => c);
  return html`<div
    part="toolbar"
    class="toolbar ${v.fit}"
    role="toolbar"
    aria-label=${t.toolbar}
    @keydown=${(e: KeyboardEvent) => {
      if (e.key !== 'Escape' || !open) return;
      a.closeMore();
      (e.currentTarget as HTMLElement).querySelector<HTMLElement>('.more')?.focus();
    }}
  >
    ${inBar} ${inMenu.length ? moreMenu(v, a, open, inMenu) : nothing}
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

/**
 * The More button and its menu: the controls the bar has no room for, each with its name (after the
 * button, so Tab goes from the button into the open menu).
 */
function moreMenu(v: CallView, a: CallActions, open: boolean, items: unknown[]): TemplateResult {
  const { t } = v;
  return html`<button
      class="control more"
      part="more-button"
      aria-label=${t.more}
      title=${t.more}
      aria-expanded=${open ? 'true' : 'false'}
      aria-controls="more-menu"
      @click=${() => a.togglePanel('more')}
    >
      ${moreIcon}
    </button>
    <div
      part="more-menu"
      class="more-items"
      id="more-menu"
      role="group"
      aria-label=${t.moreControls}
      ?hidden=${!open}
      @click=${(e: Event) => {
        // A control in the menu did what it does: the menu closes.
        if ((e.target as Element).closest('button')) a.closeMore();
      }}
    >
      ${items}
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
