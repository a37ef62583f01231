/**
 * A minimal controller host for the core controllers' tests (imported by tests only): a bare
 * `ReactiveElement` under a test-only tag, the way Lit tests its own controllers. A controller made
 * on a host in the page is connected at once (`hostConnected`); removing the host from the page
 * runs its controllers' `hostDisconnected`. It renders nothing.
 */
import { ReactiveElement } from 'lit';

export const TEST_HOST_TAG = 'vs-test-host';

export class TestHost extends ReactiveElement {
  /** Update cycles run (each follows one or more `requestUpdate` calls). */
  updates = 0;

  protected override updated(): void {
    this.updates++;
  }
}

if (!customElements.get(TEST_HOST_TAG)) customElements.define(TEST_HOST_TAG, TestHost);

declare global {
  interface HTMLElementTagNameMap {
    'vs-test-host': TestHost;
  }
}

/** A host in the page. */
export function mountHost(): TestHost {
  const host = document.createElement(TEST_HOST_TAG);
  document.body.append(host);
  return host;
}

/** Removes every test host from the page, so their controllers release what they hold. */
export function removeHosts(): void {
  for (const host of document.querySelectorAll(TEST_HOST_TAG)) host.remove();
}
