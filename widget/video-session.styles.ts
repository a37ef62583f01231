import { css } from 'lit';

export const styles = css`
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
  .panel {
    position: absolute;
    right: 12px;
    bottom: 76px;
    z-index: 2;
    display: flex;
    flex-direction: column;
    gap: 10px;
    width: min(320px, calc(100% - 24px));
    max-height: calc(100% - 100px);
    overflow: auto;
    padding: 14px 16px;
    background: var(--_bg);
    border: 1px solid rgb(255 255 255 / 0.2);
    border-radius: var(--_radius);
    box-shadow: 0 8px 32px rgb(0 0 0 / 0.45);
  }
  .panel-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
  }
  .panel h2 {
    margin: 0;
    font-size: 16px;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .field select {
    padding: 6px 8px;
    font: inherit;
    color: #0f172a;
    background: #f8fafc;
    border: 0;
    border-radius: 6px;
  }
  .small {
    display: block;
    margin: 0;
    font-size: 12px;
    opacity: 0.85;
  }
  .permissions {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .permission.denied,
  .permission.none {
    color: #fecaca;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .row .secondary {
    padding: 6px 12px;
  }
  .chat {
    top: 12px;
    bottom: 76px;
    max-height: none;
    width: min(340px, calc(100% - 24px));
  }
  .messages {
    flex: 1;
    min-height: 80px;
    overflow-y: auto;
  }
  .messages ol {
    margin: 0;
    padding: 0;
    list-style: none;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  .msg {
    max-width: 85%;
    padding: 6px 10px;
    border-radius: 10px;
    background: rgb(255 255 255 / 0.1);
    overflow-wrap: anywhere;
  }
  .msg.mine {
    align-self: flex-end;
    background: color-mix(in srgb, var(--_accent) 45%, transparent);
  }
  .msg p {
    margin: 2px 0 0;
    white-space: pre-wrap;
  }
  .msg a {
    color: inherit;
    font-weight: 600;
  }
  .msg progress {
    width: 100%;
  }
  .who {
    font-weight: 600;
    font-size: 12px;
  }
  .msg time {
    font-size: 12px;
    opacity: 0.75;
  }
  .thumb {
    display: block;
    max-width: 100%;
    max-height: 140px;
    margin-top: 4px;
    border-radius: 6px;
  }
  .compose {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .compose textarea {
    resize: none;
    padding: 6px 8px;
    font: inherit;
    color: #0f172a;
    background: #f8fafc;
    border: 0;
    border-radius: 6px;
  }
  .compose-actions {
    display: flex;
    justify-content: flex-end;
    gap: 4px;
  }
  .emoji {
    display: grid;
    grid-template-columns: repeat(8, 1fr);
    gap: 2px;
  }
  .emoji button {
    font-size: 18px;
    padding: 2px;
    background: none;
    border: 0;
    border-radius: 6px;
    cursor: pointer;
  }
  .control {
    position: relative;
  }
  .badge {
    position: absolute;
    top: -2px;
    right: -2px;
    min-width: 18px;
    padding: 0 4px;
    font-size: 11px;
    line-height: 18px;
    color: #fff;
    background: var(--_danger);
    border-radius: 9px;
  }
  .stage {
    position: relative;
    flex: 1;
    min-height: 0;
    display: grid;
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
  .note-action {
    padding: 4px 12px;
    align-self: flex-start;
  }
  /* A question for the person goes over everything, side panels included. */
  .overlay.asking {
    position: absolute;
    inset: 0;
    z-index: 3;
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
  .status {
    position: absolute;
    z-index: 2;
    left: 12px;
    top: 12px;
    display: inline-flex;
    align-items: center;
    gap: 8px;
    padding: 4px 10px;
    background: var(--_toolbar-bg);
    border-radius: 999px;
    font-variant-numeric: tabular-nums;
  }
  .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: #f59e0b;
  }
  .dot.connected {
    background: #22c55e;
  }
  [role='timer'] {
    opacity: 0.85;
  }
  .recording-indicator {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-weight: 600;
    color: #fecaca;
  }
  .rec-dot {
    width: 10px;
    height: 10px;
    border-radius: 50%;
    background: var(--vs-danger, #dc2626);
    animation: rec-pulse 1.6s ease-in-out infinite;
  }
  @keyframes rec-pulse {
    50% {
      opacity: 0.35;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .rec-dot {
      animation: none;
    }
  }
  .control.record.on {
    color: var(--vs-danger, #dc2626);
  }
  .dot.weak {
    background: #f97316;
  }
  .net {
    position: relative;
    display: inline-flex;
  }
  .net button {
    display: inline-flex;
    align-items: flex-end;
    gap: 2px;
    height: 16px;
    padding: 0 2px;
    background: none;
    border: 0;
    cursor: help;
  }
  .net i {
    width: 3px;
    background: rgb(255 255 255 / 0.3);
    border-radius: 1px;
  }
  .net i:nth-child(1) {
    height: 25%;
  }
  .net i:nth-child(2) {
    height: 50%;
  }
  .net i:nth-child(3) {
    height: 75%;
  }
  .net i:nth-child(4) {
    height: 100%;
  }
  .net.good i.on,
  .net.fair i.on {
    background: #22c55e;
  }
  .net.poor i.on {
    background: #f59e0b;
  }
  .net.bad i.on {
    background: #ef4444;
  }
  [role='tooltip'] {
    display: none;
    position: absolute;
    top: calc(100% + 8px);
    left: 0;
    z-index: 4;
    width: max-content;
    max-width: 260px;
    padding: 6px 10px;
    font-size: 12px;
    background: var(--_bg);
    border: 1px solid rgb(255 255 255 / 0.2);
    border-radius: 6px;
  }
  .net:hover [role='tooltip'],
  .net:focus-within [role='tooltip'] {
    display: block;
  }
  .net-offer {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  /* Above the drawing canvas (z-index 1): what the call says and asks stays clickable. */
  .notes {
    position: absolute;
    z-index: 2;
    left: 12px;
    bottom: 12px;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .note {
    padding: 4px 10px;
    background: var(--_toolbar-bg);
    border-radius: 6px;
  }
  .toolbar {
    display: flex;
    justify-content: center;
    gap: 12px;
    padding: 10px;
    background: var(--_toolbar-bg);
  }
  .control {
    display: inline-grid;
    place-items: center;
    width: 44px;
    height: 44px;
    color: var(--_fg);
    background: rgb(255 255 255 / 0.12);
    border: 0;
    border-radius: 50%;
    cursor: pointer;
  }
  .control[aria-pressed='true'] {
    color: var(--_bg);
    background: var(--_fg);
  }
  .control:disabled {
    opacity: 0.4;
    cursor: not-allowed;
  }
  .hang-up {
    color: #fff;
    background: var(--_danger);
    width: 56px;
  }
  .start {
    color: #fff;
    background: #16a34a;
  }
  .mode-select {
    height: 44px;
    padding: 0 10px;
    font: inherit;
    color: var(--_fg);
    background: rgb(255 255 255 / 0.12);
    border: 0;
    border-radius: 22px;
    cursor: pointer;
  }
  .mode-select option {
    color: #0f172a;
  }
  button:focus-visible,
  select:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
`;
