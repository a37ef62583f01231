import { css } from 'lit';

/**
 * The buttons of a tool bar (tools, colour swatches, the width, separators) and the text field,
 * shared by the call's drawing tools and the screenshot editor. Reads `--_fg`, `--_bg` (pressed tool) and `--_swatch`.
 */
export const toolStyles = css`
  .tool,
  .swatch {
    display: inline-grid;
    place-items: center;
    width: 32px;
    height: 32px;
    padding: 0;
    color: var(--_fg);
    background: transparent;
    border: 0;
    border-radius: 8px;
    cursor: pointer;
  }
  .tool svg {
    width: 20px;
    height: 20px;
  }
  .tool[aria-pressed='true'] {
    color: var(--_bg);
    background: var(--_fg);
  }
  .tool:disabled {
    opacity: 0.35;
    cursor: not-allowed;
  }
  .swatch::after {
    content: '';
    width: 18px;
    height: 18px;
    border-radius: 50%;
    background: var(--_swatch);
    box-shadow: 0 0 0 1px rgb(255 255 255 / 0.6);
  }
  .swatch[aria-pressed='true'] {
    box-shadow: inset 0 0 0 2px var(--_fg);
  }
  .width .line {
    width: 20px;
    height: var(--_w);
    background: currentColor;
    border-radius: 2px;
  }
  .sep {
    width: 32px;
    height: 1px;
    margin: 2px 0;
    background: rgb(255 255 255 / 0.25);
  }
  /* The field where text is typed, placed where the text goes. */
  .text-entry {
    position: absolute;
    min-width: 10em;
    padding: 4px 6px;
    font: inherit;
    color: #111;
    background: #fff;
    border: 2px solid var(--_accent);
    border-radius: 6px;
  }
`;

/** The annotation canvas, the drawing tool bar and the text entry. */
export const annotationStyles = css`
  ${toolStyles}
  .annotations {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    z-index: 1;
    pointer-events: none;
  }
  .annotations.active {
    pointer-events: auto;
    cursor: crosshair;
    touch-action: none;
  }
  .annotation-tools {
    position: absolute;
    left: 12px;
    top: 52px;
    z-index: 3;
    display: flex;
    flex-flow: column wrap;
    align-content: flex-start;
    gap: 4px;
    max-height: calc(100% - 64px);
    padding: 4px;
    background: var(--_toolbar-bg);
    border-radius: 10px;
  }
  .text-entry {
    z-index: 3;
  }
  .tracking-note {
    position: absolute;
    left: 50%;
    bottom: 12px;
    z-index: 3;
    translate: -50% 0;
    max-width: calc(100% - 24px);
    margin: 0;
    padding: 4px 10px;
    background: var(--_toolbar-bg);
    border-radius: 6px;
  }
  .local.main {
    position: static;
    grid-area: 1 / 1;
    width: 100%;
    height: 100%;
    max-width: none;
    min-width: 0;
    aspect-ratio: auto;
    object-fit: contain;
    border-radius: 0;
    box-shadow: none;
    background: #000;
  }
  .remote.pip {
    position: absolute;
    right: 12px;
    bottom: 12px;
    z-index: 2;
    width: 24%;
    max-width: 220px;
    min-width: 96px;
    height: auto;
    aspect-ratio: 4 / 3;
    object-fit: cover;
    border-radius: calc(var(--_radius) * 0.66);
    box-shadow: 0 2px 12px rgb(0 0 0 / 0.5);
    cursor: pointer;
  }
  .local:not(.main) {
    z-index: 2;
    cursor: pointer;
  }
  /*
   * A finger needs 44 px: on a touch screen the tools are that big and lie in one row under the
   * status, scrolling sideways, instead of columns that cover the picture's corner.
   */
  @media (pointer: coarse) {
    .annotation-tools .tool,
    .annotation-tools .swatch {
      flex: none;
      width: 44px;
      height: 44px;
    }
    .annotation-tools {
      flex-flow: row nowrap;
      align-items: center;
      right: 12px;
      max-height: none;
      overflow-x: auto;
      overscroll-behavior: contain;
    }
    .annotation-tools .sep {
      flex: none;
      width: 1px;
      height: 32px;
      margin: 0 2px;
    }
  }
`;
