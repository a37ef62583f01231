import { css } from 'lit';

/** Notes over the stage, the tool bar and its controls, and the focus ring of every control. */
export const toolbarStyles = css`
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
`;
