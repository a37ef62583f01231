import { css } from 'lit';
import { toolStyles } from '../drawing/styles.js';

/** `<video-session-screenshot-editor>`: the tool bar on top, the picture fitted below, then the actions. */
export const styles = css`
  :host {
    --_accent: var(--vs-accent, #2563eb);
    --_bg: var(--vs-background, #0f172a);
    --_fg: var(--vs-foreground, #f8fafc);
    --_toolbar-bg: var(--vs-toolbar-background, rgb(15 23 42 / 0.8));
    display: block;
    /* The picture fits the editor's box: give the editor a size (it fills its container's height). */
    height: 100%;
    min-height: 240px;
    color: var(--_fg);
    background: var(--_bg);
    font:
      14px/1.4 system-ui,
      sans-serif;
  }
  ${toolStyles}
  .editor {
    display: flex;
    flex-direction: column;
    gap: 8px;
    height: 100%;
    padding: 8px;
    box-sizing: border-box;
  }
  .tools {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px;
    padding: 4px;
    background: var(--_toolbar-bg);
    border-radius: 10px;
  }
  .tools .sep {
    width: 1px;
    height: 24px;
    margin: 0 2px;
  }
  .stage {
    position: relative;
    flex: 1;
    min-height: 0;
    outline: none;
  }
  canvas {
    position: absolute;
    inset: 0;
    display: block;
    width: 100%;
    height: 100%;
    object-fit: contain;
    cursor: crosshair;
    touch-action: none;
  }
  .note {
    margin: 0;
    padding: 16px;
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
  }
  .actions button {
    padding: 8px 18px;
    font: inherit;
    font-weight: 600;
    color: var(--_fg);
    background: rgb(255 255 255 / 0.12);
    border: 1px solid rgb(255 255 255 / 0.3);
    border-radius: 999px;
    cursor: pointer;
  }
  .actions .save {
    color: #fff;
    background: var(--_accent);
    border-color: var(--_accent);
  }
  .actions button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  button:focus-visible,
  input:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
`;
