/**
 * A host that serves the widget's script without the help button's request chunk: the click says
 * the chunk could not be loaded (naming it), and the customer can try again.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import '../index.js';
import type { HelpState } from '../events.js';

before(() => executeServerCommand('vs-block-chunks', { paths: ['/request-controller.'] }));
after(() => executeServerCommand('vs-block-chunks', { paths: [] }));

it('says the request could not be loaded, and offers to try again', async () => {
  const { url, publicKey } = (await executeServerCommand('vs-service')) as {
    url: string;
    publicKey: string;
  };
  const el = document.createElement('video-help-button');
  el.setAttribute('service-url', url);
  el.setAttribute('public-key', publicKey);
  document.body.append(el);
  await el.updateComplete;
  const states: HelpState[] = [];
  el.addEventListener('vs-help-state', (e) => states.push(e.state));
  el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!.click();
  const end = Date.now() + 10_000;
  while (el.state !== 'failed' && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  expect(states).to.deep.equal(['requesting', 'failed']);
  await el.updateComplete;
  const text = el.shadowRoot!.textContent ?? '';
  expect(text).to.contain('could not be loaded');
  const again = [...el.shadowRoot!.querySelectorAll('button')].find(
    (b) => b.textContent?.trim() === 'Try again',
  );
  expect(again, 'no Try again').to.not.equal(undefined);
  el.remove();
});
