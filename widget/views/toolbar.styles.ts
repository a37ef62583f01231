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
    flex-wrap: nowrap;
    justify-content: center;
    align-items: center;
    gap: 12px;
    padding: 10px;
    background: var(--_toolbar-bg);
  }
  .toolbar.narrow {
    gap: 8px;
    padding: 10px 8px;
  }
  .control {
    flex: none;
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
    flex: none;
    max-width: 12em;
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
  /* The More menu: above the tool bar, over every panel, the same buttons with their names. */
  .more-items {
    box-sizing: border-box;
    position: absolute;
    right: 8px;
    bottom: 72px;
    z-index: 5;
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-width: min(240px, calc(100% - 16px));
    max-width: calc(100% - 16px);
    max-height: calc(100% - 84px);
    overflow: auto;
    padding: 6px;
    background: var(--_bg);
    border: 1px solid rgb(255 255 255 / 0.2);
    border-radius: var(--_radius);
    box-shadow: 0 8px 32px rgb(0 0 0 / 0.45);
  }
  .more-items .control {
    display: flex;
    align-items: center;
    justify-content: flex-start;
    gap: 12px;
    width: auto;
    min-height: 44px;
    padding: 0 12px;
    background: none;
    border-radius: 8px;
  }
  .more-items .control::after {
    content: attr(aria-label);
  }
  /* The count of screenshots is in the name already. */
  .more-items .control > span[aria-hidden='true'] {
    display: none;
  }
  .more-items .control[aria-pressed='true'] {
    color: var(--_fg);
    background: rgb(255 255 255 / 0.2);
  }
  .more-items .mode-select {
    max-width: none;
    margin-top: 4px;
  }
`;
