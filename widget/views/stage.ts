/**
 * The stage: the other person's video (or their name card when they send none), your own preview,
 * the status bar, and what covers the stage before, after and while something needs an answer.
 */
import { html, nothing } from 'lit';
import { sends } from '../../src/call-modes.js';
import { phoneIcon } from '../icons.js';
import { sinkId } from './sink-id.js';
import { srcObject } from './src-object.js';
// The rating prompt's type, for the template (its chunk registers it when the call runs).
import type {} from '../features/rating/session-rating.js';
import { modeLabel, type CallActions, type CallView } from './call-view.js';
// For the template's types (index.ts registers the elements).

export function stage(v: CallView, a: CallActions) {
  const remoteVideo = v.state === 'connected' && v.remote.video && v.remoteStream !== null;
  const ownLarge = v.ownLarge && v.live && v.sendsVideo;
  // Both draw on the customer's camera: the agent's remote video, the customer's own (large).
  const drawing = v.drawing && (v.role === 'agent' ? remoteVideo : ownLarge) ? v.drawing : null;
  return html`<div part="stage" class="stage">
    <video
      part="remote-video"
      class="remote ${v.remote.screen ? 'screen' : ''} ${ownLarge ? 'pip' : ''}"
      autoplay
      playsinline
      ${srcObject(v.remoteStream)}
      ${sinkId(v.sinkId)}
      ?hidden=${!remoteVideo}
      @click=${() => ownLarge && a.swapVideos()}
    ></video>
    ${v.live && !remoteVideo && !ownLarge && v.state === 'connected' ? card(v) : nothing}
    ${overlay(v, a)}
    ${
      v.live && v.sendsVideo
        ? html`<video
            part="local-video"
            class="local ${v.sharing ? 'screen' : ''} ${ownLarge ? 'main' : ''}"
            autoplay
            playsinline
            muted
            ${srcObject(v.preview)}
            @click=${() => !ownLarge && v.role === 'customer' && a.swapVideos()}
          ></video>`
        : nothing
    }
    <canvas
      part="annotations"
      class="annotations ${drawing?.active ? 'active' : ''}"
      aria-label=${v.t.annotationCanvas}
      ?hidden=${!drawing}
    ></canvas>
    ${drawing ? drawing.tools : nothing} ${status(v)}
  </div>`;
}

/** The other person when no video of theirs is shown: initials, name, and why. */
function card(v: CallView) {
  // "Sam (Support)" is S, not S(: words that start with a letter.
  const initials = v.peerName
    .split(/\s+/)
    .filter((w) => /^\p{L}/u.test(w))
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  const theirVideoExpected = sends(v.mode, v.role === 'agent' ? 'customer' : 'agent').video;
  // A blocked or missing camera is worth knowing even when the mode does not ask for it.
  const camera = v.remote.camera;
  const why =
    theirVideoExpected || camera === 'denied' || camera === 'none'
      ? v.t.remoteCamera[camera](v.peerName)
      : modeLabel(v.t, v.mode, v.role);
  return html`<div class="card">
    <div class="avatar" aria-hidden="true">${initials}</div>
    <p class="name">${v.peerName}</p>
    <p class="why">${why}</p>
  </div>`;
}

function overlay(v: CallView, a: CallActions) {
  const { t } = v;
  if (v.state === 'idle') {
    const customer = v.role === 'customer';
    const blocked = (['camera', 'microphone'] as const).filter(
      (d) => v.permissions[d] === 'denied',
    );
    return html`<div class="overlay">
      <button
        part="join-button"
        class="join"
        @click=${() => a.join({ audio: true, video: v.hasCamera })}
      >
        ${phoneIcon}<span>${v.hasCamera ? t.join : t.joinVoice}</span>
      </button>
      ${
        customer
          ? html`<div class="join-more">
              ${
                v.hasCamera
                  ? html`<button class="link" @click=${() => a.join({ audio: true, video: false })}>
                      ${t.joinWithoutCamera}
                    </button>`
                  : nothing
              }
              <button class="link" @click=${() => a.join({ audio: false, video: false })}>
                ${t.joinChat}
              </button>
            </div>`
          : nothing
      }
      ${
        // Blocked already: say so now (joining still works, to watch, listen and chat).
        blocked.length
          ? blocked.map((d) => html`<p class="hint">${t.deviceHint.denied(t[d])}</p>`)
          : html`<p class="hint">${v.hasCamera ? t.joinHint : t.joinHintNoCamera}</p>`
      }
    </div>`;
  }
  if (v.state === 'ended' || v.state === 'failed') {
    return html`<div class="overlay final-screen">
      <p class="final" role="status">${v.left ? t.youLeft : t.state[v.state]}</p>
      ${v.error ? html`<p class="error" role="alert">${t.errors[v.error]}</p>` : nothing}
      ${
        v.left || v.state === 'failed'
          ? html`<div class="prompt-actions">
              <button class="join" @click=${() => a.retry()}>${v.left ? t.rejoin : t.retry}</button>
              ${
                v.error === 'ERR_CALL_FAILED'
                  ? html`<button class="secondary" @click=${() => a.hangUp()}>
                      ${v.role === 'agent' ? t.endSession : t.leave}
                    </button>`
                  : nothing
              }
            </div>`
          : nothing
      }
      ${
        v.rate
          ? html`<video-session-rating part="rating" .submit=${v.rate}></video-session-rating>`
          : nothing
      }
      ${v.after}
    </div>`;
  }
  if (v.offer) return offerPrompt(v, a);
  if (v.recording === 'asked' && v.state === 'connected' && v.recordingViews) {
    return v.recordingViews.recordingPrompt(v, a);
  }
  const spinner = html`<div class="overlay"><div class="spinner" aria-hidden="true"></div></div>`;
  // While a running call reconnects, what it said (and asks) stays on screen.
  if (v.state !== 'connected' && v.state !== 'reconnecting') return spinner;
  const notes = [
    v.noticeShowsStill ? null : v.notice,
    ...localHints(v),
    v.awaitingAnswer ? t.waitingForAnswer(v.peerName) : null,
    v.recording === 'requesting' ? t.recording.waiting(v.peerName) : null,
    v.recording === 'consented' ? t.recording.starting : null,
    v.remote.screen ? t.remoteSharing(v.peerName) : null,
    v.sharing ? t.youSharing : null,
    sends(v.mode, v.role === 'agent' ? 'customer' : 'agent').audio && !v.remote.audio
      ? v.remote.microphone === 'denied' || v.remote.microphone === 'none'
        ? t.remoteMicrophone[v.remote.microphone](v.peerName)
        : t.remoteMuted(v.peerName)
      : null,
  ].filter((n) => n !== null);
  return html`${v.state === 'reconnecting' ? spinner : nothing}${
    notes.length || v.awaitingAnswer || v.netOffer || v.noticeShowsStill
      ? html`<div class="notes">
          ${
            v.noticeShowsStill
              ? html`<div class="note net-offer" role="status">
                  <span>${v.notice}</span>
                  <button class="note-action" @click=${() => a.togglePanel('gallery')}>
                    ${t.view}
                  </button>
                </div>`
              : nothing
          }
          ${notes.map((n) => html`<span class="note">${n}</span>`)}
          ${
            v.awaitingAnswer
              ? html`<button class="note-action" @click=${() => a.cancelOffer()}>
                  ${t.cancel}
                </button>`
              : nothing
          }
          ${v.netOffer ? networkOffer(v, a) : nothing}
        </div>`
      : nothing
  }`;
}

/** A poor link suggests voice only; a recovered one, video back. */
function networkOffer(v: CallView, a: CallActions) {
  const { t } = v;
  const voice = v.netOffer === 'voice';
  return html`<div
    class="note net-offer"
    role="group"
    aria-label=${voice ? t.poorNetworkOffer : t.videoBackOffer}
  >
    <span>${voice ? t.poorNetworkOffer : t.videoBackOffer}</span>
    <button class="note-action" @click=${() => a.acceptNetwork(true)}>
      ${voice ? t.switchToVoice : t.videoBack}
    </button>
    <button class="note-action" @click=${() => a.acceptNetwork(false)}>
      ${voice ? t.keepVideo : t.notNow}
    </button>
  </div>`;
}

/** Why your own camera or microphone is not sent although the mode wants it, and what to do. */
function localHints(v: CallView): string[] {
  const { t } = v;
  const hints: string[] = [];
  for (const [wanted, sent, device] of [
    [v.wantsVideo, v.sendsVideo, 'camera'],
    [v.wantsAudio, v.sendsAudio, 'microphone'],
  ] as const) {
    const status = v.permissions[device];
    if (wanted && !sent && (status === 'denied' || status === 'none' || status === 'prompt')) {
      hints.push(t.deviceHint[status](t[device]));
    }
  }
  return hints;
}

/** The question "join this call?" with the three answers (one-way only when it means something). */
function offerPrompt(v: CallView, a: CallActions) {
  const { t } = v;
  const offer = v.offer!;
  const mine = sends(offer.mode, v.role);
  const title = !mine.video
    ? t.offer.titleVoice(v.peerName)
    : v.role === 'agent'
      ? t.offer.titleAgentVideo(v.peerName)
      : t.offer.title(v.peerName);
  return html`<div class="overlay asking">
    <div class="prompt" role="dialog" aria-labelledby="offer-title">
      <p id="offer-title" class="final">${title}</p>
      <div class="prompt-actions">
        <button class="join" autofocus @click=${() => a.answer('accept')}>
          ${mine.video && !v.hasCamera ? t.offer.acceptVoice : t.offer.accept}
        </button>
        ${
          mine.video && v.hasCamera
            ? html`<button class="secondary" @click=${() => a.answer('one-way')}>
                ${t.offer.oneWay}
              </button>`
            : nothing
        }
        <button class="secondary" @click=${() => a.answer('decline')}>${t.offer.decline}</button>
      </div>
    </div>
  </div>`;
}

/**
 * The status bar. Only the state and mode are announced (politely); the timer is a `timer`, which
 * screen readers read on request rather than every second.
 */
function status(v: CallView) {
  const { t } = v;
  if (v.state === 'ended' || v.state === 'failed') return nothing; // the final screen says it
  const text =
    v.state === 'waiting' ? t.state.waiting(v.peerName) : v.left ? t.state.ended : t.state[v.state];
  const level = v.state === 'connected' ? v.quality?.level : undefined;
  const weak = level === 'poor' || level === 'bad';
  return html`<div part="status" class="status">
    <span class="dot ${v.state} ${weak ? 'weak' : ''}"></span>
    <span role="status"
      >${text}${v.state === 'connected' ? ` · ${modeLabel(t, v.mode, v.role)}` : ''}${
        weak ? ` · ${t.network[level!]}` : ''
      }${v.serviceAway && v.state === 'connected' ? ` · ${t.serviceReconnecting}` : ''}</span
    >
    ${v.recordingViews?.recordingIndicator(v) ?? nothing}
    ${v.state === 'connected' ? html`<span role="timer">${v.timer}</span>` : nothing}
    ${level && v.quality && v.panels ? v.panels.network(v, level, v.quality.sample) : nothing}
  </div>`;
}
