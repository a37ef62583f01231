import { css } from 'lit';

/** The side panels (settings, chat, screenshots): their frame, fields, the chat's messages, composer and emoji. */
export const panelStyles = css`
  .panel {
    box-sizing: border-box;
    position: absolute;
    right: 12px;
    bottom: 76px;
    z-index: 4; /* above the drawing palette (3) */
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
  /* After the call the gallery sits under the end screen's words, not over them. */
  .final-screen > .panel {
    position: static;
    width: min(420px, 100%);
    max-height: none;
    overflow: visible;
    flex: none;
    text-align: start;
    box-shadow: none;
  }
  /* A finger needs 44 px. */
  @media (pointer: coarse) {
    .compose-actions .handle {
      width: 44px;
      height: 44px;
    }
  }
`;
