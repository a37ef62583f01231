// A host serves the widget's script without the screenshot editor's chunk: the person who took a
// screenshot still decides on it, with the plain Save and Discard, and is told why.
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { VsErrorEvent } from '../../events.js';
import { call, inMode, part, reach, serviceFiles, sha256, text, until } from '../../testing.js';

before(() => executeServerCommand('vs-block-chunks', { paths: ['/screenshot-editor.'] }));
after(() => executeServerCommand('vs-block-chunks', { paths: [] }));
afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
});

describe('the screenshot editor cannot be loaded', () => {
  it('offers the plain Save and Discard instead, which keep and drop the screenshot', async () => {
    const { agent, customer, session } = await call();
    const errors: VsErrorEvent[] = [];
    agent.addEventListener('vs-error', (e: VsErrorEvent) => errors.push(e));
    await Promise.all([agent.start(), customer.start()]);
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    await Promise.all([inMode(agent, 'two-way'), inMode(customer, 'two-way')]);

    // The first screenshot is kept with the plain Save.
    (part(agent, 'screenshot-button') as HTMLButtonElement).click();
    await until(() => part(agent, 'screenshot-save') !== null, 15_000, 'no plain Save');
    expect(part(agent, 'screenshot-editor'), 'no editor').to.equal(null);
    const failed = errors.find((e) => e.code === 'ERR_CHUNK_LOAD');
    expect(failed, 'the person is told why').to.not.equal(undefined);
    expect(failed!.fatal).to.equal(false);
    expect(failed!.message).to.match(
      /screenshot editor could not be loaded from http:\/\/\S+\/screenshot-editor\./,
    );
    const [kept] = agent.screenshots;
    (part(agent, 'screenshot-save') as HTMLButtonElement).click();
    await until(
      async () => (await serviceFiles(session.id, session.agentToken)).length === 1,
      15_000,
      'not on the service',
    );
    const [file] = await serviceFiles(session.id, session.agentToken);
    expect(file!.sha256).to.equal(await sha256(kept!.blob!));
    await until(() => part(agent, 'screenshot-review') === null, 5000, 'still asked');

    // The second is thrown away with the plain Discard, on both sides.
    (part(agent, 'screenshot-button') as HTMLButtonElement).click();
    await until(() => part(agent, 'screenshot-discard') !== null, 15_000, 'no plain Discard');
    await until(() => customer.screenshots.length === 2, 10_000, 'the customer has both');
    (part(agent, 'screenshot-discard') as HTMLButtonElement).click();
    await until(() => agent.screenshots.length === 1 && customer.screenshots.length === 1);
    expect(text(agent)).to.not.contain('New screenshot');
    expect(await serviceFiles(session.id, session.agentToken)).to.have.length(1);
  });
});
