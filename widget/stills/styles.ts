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
  .thumb.placeholder {
    height: 80px;
    background: rgb(255 255 255 / 0.08);
  }
`;
