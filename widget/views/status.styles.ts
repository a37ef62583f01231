import { css } from 'lit';

/** The status pill: state, call timer, recording indicator, network bars with their details. */
export const statusStyles = css`
  .status {
    position: absolute;
    z-index: 2;
    left: 12px;
    top: 12px;
    max-width: calc(100% - 24px);
    white-space: nowrap;
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
`;
