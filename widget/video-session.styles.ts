import { css } from 'lit';
import { statusStyles } from './views/status.styles.js';
import { toolbarStyles } from './views/toolbar.styles.js';

/** The element's box, its public custom properties, and the minimised window. */
const hostStyles = css`
  :host {
    --_accent: var(--vs-accent, #2563eb);
    --_danger: var(--vs-danger, #dc2626);
    --_bg: var(--vs-background, #0f172a);
    --_fg: var(--vs-foreground, #f8fafc);
    --_radius: var(--vs-radius, 12px);
    --_toolbar-bg: var(--vs-toolbar-background, rgb(15 23 42 / 0.8));
    display: flex;
    flex-direction: column;
    position: relative;
    min-height: 320px;
    color: var(--_fg);
    background: var(--_bg);
    border-radius: var(--_radius);
    overflow: hidden;
    font:
      14px/1.4 system-ui,
      sans-serif;
  }
  :host([hidden]) {
    display: none;
  }
  /* !important: the minimised window wins over the page's own sizing of the element. */
  :host([minimized]) {
    position: fixed !important;
    left: var(--vs-minimized-x, auto) !important;
    top: var(--vs-minimized-y, auto) !important;
    right: auto !important;
    bottom: auto !important;
    z-index: 2147483000;
    width: var(--vs-minimized-width, 280px) !important;
    height: auto !important;
    min-height: 0 !important;
    aspect-ratio: 4 / 3;
    box-shadow: 0 8px 32px rgb(0 0 0 / 0.45);
  }
  :host([minimized]) .local,
  :host([minimized]) .notes {
    display: none;
  }
  .mini-bar {
    display: flex;
    align-items: center;
    gap: 6px;
    padding: 4px;
    background: var(--_toolbar-bg);
  }
  .mini-name {
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .handle {
    display: inline-grid;
    place-items: center;
    width: 32px;
    height: 32px;
    padding: 0;
    color: var(--_fg);
    background: none;
    border: 0;
    border-radius: 6px;
    cursor: grab;
    touch-action: none;
  }
`;

/** The stage: videos, the join button, prompts, errors and the end of the call. */
const stageStyles = css`
  .stage {
    position: relative;
    flex: 1;
    min-height: 0;
    display: grid;
    grid-template: minmax(0, 1fr) / minmax(0, 1fr);
  }
  video {
    width: 100%;
    height: 100%;
    min-height: 0;
    background: #000;
  }
  [hidden] {
    display: none !important;
  }
  .remote {
    grid-area: 1 / 1;
    object-fit: contain;
  }
  .card {
    grid-area: 1 / 1;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 6px;
    padding: 24px;
    text-align: center;
  }
  .avatar {
    display: grid;
    place-items: center;
    width: 88px;
    height: 88px;
    border-radius: 50%;
    background: var(--_accent);
    color: #fff;
    font-size: 32px;
    font-weight: 600;
  }
  .name {
    margin: 6px 0 0;
    font-size: 18px;
    font-weight: 600;
  }
  .why {
    margin: 0;
    opacity: 0.85;
  }
  .local {
    position: absolute;
    right: 12px;
    bottom: 12px;
    width: 24%;
    max-width: 220px;
    min-width: 96px;
    height: auto;
    aspect-ratio: 4 / 3;
    object-fit: cover;
    transform: scaleX(-1); /* a mirror, as people expect to see themselves */
    border-radius: calc(var(--_radius) * 0.66);
    box-shadow: 0 2px 12px rgb(0 0 0 / 0.5);
  }
  .local.screen {
    transform: none; /* a shared screen is shown as it is */
    object-fit: contain;
    aspect-ratio: 16 / 9;
  }
  .overlay {
    grid-area: 1 / 1;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 12px;
    padding: 24px;
    text-align: center;
  }
  /* The end: its words, the rating, then the session's screenshots, scrolling if need be. */
  .final-screen {
    justify-content: safe center;
    overflow-y: auto;
    min-height: 0;
  }
  .join {
    display: inline-flex;
    align-items: center;
    gap: 10px;
    padding: 12px 22px;
    font: inherit;
    font-size: 16px;
    font-weight: 600;
    color: #fff;
    background: var(--_accent);
    border: 0;
    border-radius: 999px;
    cursor: pointer;
  }
  .join-more,
  .prompt-actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 10px;
  }
  .link {
    padding: 6px 10px;
    font: inherit;
    color: var(--_fg);
    background: none;
    border: 0;
    text-decoration: underline;
    cursor: pointer;
  }
  .secondary,
  .note-action {
    padding: 11px 20px;
    font: inherit;
    font-weight: 600;
    color: var(--_fg);
    background: rgb(255 255 255 / 0.12);
    border: 1px solid rgb(255 255 255 / 0.3);
    border-radius: 999px;
    cursor: pointer;
  }
  .secondary {
    min-height: 44px;
  }
  .note-action {
    padding: 4px 12px;
    align-self: flex-start;
  }
  /* A finger needs 44 px. */
  @media (pointer: coarse) {
    .note-action,
    .link {
      min-height: 44px;
    }
  }
  /* A question for the person goes over everything: panels, the drawing palette, the More menu. */
  .overlay.asking {
    position: absolute;
    inset: 0;
    z-index: 6;
    background: rgb(0 0 0 / 0.35);
  }
  .prompt {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 16px;
    padding: 20px 24px;
    background: var(--_toolbar-bg);
    border-radius: var(--_radius);
  }
  .hint,
  .error {
    margin: 0;
    max-width: 30em;
    opacity: 0.85;
  }
  .error {
    color: #fecaca;
  }
  .final {
    margin: 0;
    font-size: 18px;
    font-weight: 600;
  }
  .spinner {
    width: 36px;
    height: 36px;
    border: 3px solid rgb(255 255 255 / 0.25);
    border-top-color: var(--_fg);
    border-radius: 50%;
    animation: spin 0.9s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
`;

/** All of `<video-session>`'s own styles, in cascade order (features loaded later add theirs). */
export const styles = [hostStyles, stageStyles, statusStyles, toolbarStyles];
