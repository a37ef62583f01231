import { css } from 'lit';

/** The gallery panel. */
export const stillStyles = css`
  .stills {
    display: flex;
    flex-direction: column;
    gap: 12px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .still {
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .still progress {
    width: 100%;
  }
  .still a:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .screenshot-review {
    position: absolute;
    inset: 12px 12px 76px;
    z-index: 4;
    display: flex;
    flex-direction: column;
    gap: 10px;
    padding: 14px 16px;
    overflow: auto;
    background: var(--_bg);
    border-radius: var(--_radius);
  }
  .screenshot-review h2 {
    margin: 0;
    font-size: 16px;
  }
  .review-image {
    min-height: 0;
    flex: 1;
    object-fit: contain;
  }
  .thumb.placeholder {
    height: 80px;
    background: rgb(255 255 255 / 0.08);
  }
`;
