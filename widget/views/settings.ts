/**
 * The settings panel: camera, microphone and speaker, resolution (with the size the camera really
 * delivers), the camera and microphone permission with how to fix it, and the window layout.
 */
import { html, nothing } from 'lit';
import { PRESETS, type Preset } from '../core/media/media-controller.js';
import type { CallActions, CallView, DeviceKind } from './call-view.js';

export function settings(v: CallView, a: CallActions) {
  const { t } = v;
  return html`<div
    class="panel settings"
    part="settings"
    role="dialog"
    aria-label=${t.settings}
    @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && a.togglePanel('settings')}
  >
    <div class="panel-head">
      <h2>${t.settings}</h2>
      <button class="link" @click=${() => a.togglePanel('settings')}>${t.closeSettings}</button>
    </div>
    ${picker(v, a, 'videoinput', t.cameraLabel)} ${picker(v, a, 'audioinput', t.microphoneLabel)}
    ${v.sinkSupported ? picker(v, a, 'audiooutput', t.speakerLabel) : nothing}
    <label class="field">
      <span>${t.resolution}</span>
      <select @change=${(e: Event) => a.setPreset((e.target as HTMLSelectElement).value as Preset)}>
        ${PRESETS.map(
          (p) => html`<option value=${p} ?selected=${p === v.preset}>${t.presets[p]}</option>`,
        )}
      </select>
    </label>
    ${
      v.videoSize
        ? html`<p class="small" data-actual-size>
            ${t.actualSize(v.videoSize.width, v.videoSize.height)}
          </p>`
        : nothing
    }
    ${
      v.canFlip
        ? html`<button class="secondary" @click=${() => a.flipCamera()}>${t.flipCamera}</button>`
        : nothing
    }
    <ul class="permissions">
      ${(['camera', 'microphone'] as const).map((device) => {
        const status = v.permissions[device];
        const name = device === 'camera' ? t.cameraLabel : t.microphoneLabel;
        const hint =
          status === 'denied' || status === 'none' ? t.deviceHint[status](t[device]) : null;
        return html`<li class="permission ${status}">
          ${t.permissionRow(name, t.permission[status])}
          ${hint ? html`<span class="small">${hint}</span>` : nothing}
        </li>`;
      })}
    </ul>
    <div class="row">
      ${
        v.fullscreenSupported
          ? html`<button class="secondary" @click=${() => a.toggleFullscreen()}>
              ${v.fullscreen ? t.exitFullscreen : t.fullscreen}
            </button>`
          : nothing
      }
      ${
        v.pipSupported && v.remoteStream
          ? html`<button class="secondary" @click=${() => a.togglePip()}>
              ${v.pip ? t.exitPip : t.pip}
            </button>`
          : nothing
      }
      <button class="secondary" @click=${() => a.toggleMinimized()}>${t.minimize}</button>
    </div>
  </div>`;
}

function picker(v: CallView, a: CallActions, kind: DeviceKind, label: string) {
  const { t } = v;
  const list = v.devices.filter((d) => d.kind === kind);
  if (list.length === 0) return nothing;
  return html`<label class="field">
    <span>${label}</span>
    <select
      data-device=${kind}
      @change=${(e: Event) => a.useDevice(kind, (e.target as HTMLSelectElement).value)}
    >
      ${
        kind === 'audiooutput' || !list.some((d) => d.deviceId === v.choice[kind])
          ? html`<option value="" ?selected=${!v.choice[kind]}>${t.deviceDefault}</option>`
          : nothing
      }
      ${list.map(
        (d, i) =>
          html`<option value=${d.deviceId} ?selected=${d.deviceId === v.choice[kind]}>
            ${d.label || t.deviceNumbered(label, i + 1)}
          </option>`,
      )}
    </select>
  </label>`;
}
