import { css } from 'lit';

export const styles = css`
  :host {
    --_accent: var(--vs-accent, #2563eb);
    --_radius: var(--vs-radius, 12px);
    display: inline-block;
    font:
      14px/1.4 system-ui,
      sans-serif;
  }
  :host([hidden]) {
    display: none;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .launch {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    padding: 10px 18px;
    font-weight: 600;
    color: #fff;
    background: var(--_accent);
    border: 0;
    border-radius: 999px;
  }
  .panel {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 10px;
    max-width: 24em;
    padding: 20px;
    text-align: center;
    color: #0f172a;
    background: #fff;
    border-radius: var(--_radius);
    box-shadow: 0 4px 24px rgb(15 23 42 / 0.18);
  }
  p {
    margin: 0;
  }
  .title {
    font-weight: 600;
  }
  .hint {
    color: #475569;
  }
  .actions {
    display: flex;
    gap: 8px;
  }
  .primary,
  .secondary {
    padding: 6px 16px;
    border-radius: 999px;
  }
  .primary {
    color: #fff;
    background: var(--_accent);
    border: 0;
  }
  .secondary {
    color: inherit;
    background: none;
    border: 1px solid #cbd5e1;
  }
  .spinner {
    width: 28px;
    height: 28px;
    border: 3px solid #e2e8f0;
    border-top-color: var(--_accent);
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
  .call-wrap {
    position: relative;
    display: flex;
    flex-direction: column;
    gap: 8px;
    width: min(640px, 92vw);
  }
  video-session {
    height: min(480px, 70vh);
  }
  .close {
    align-self: flex-end;
    color: #0f172a;
    background: #fff;
  }
`;
