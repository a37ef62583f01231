import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { CreatedSession } from '../../../src/rest.js';
import { createUpload, sendUploadChunk, serviceBase } from '../../core/service-api.js';
import type { VsErrorEvent } from '../../events.js';
import {
  call,
  inMode,
  mount,
  part,
  reach,
  rejoinAfterSave,
  service,
  serviceFiles,
  setVisibility,
  sha256,
  until,
} from '../../testing.js';
import type { VideoSession } from '../../video-session.js';
import type { Screenshot } from './screenshot.js';

// What the widgets say on the console, to tell a quiet refusal from a complaint.
const warnings: string[] = [];
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  warnings.push(args.map(String).join(' '));
  warn(...args);
};

// Whose requests for a session's files the service has answered (by token).
const listed = new Set<string>();
const nativeFetch = window.fetch.bind(window);
window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const res = await nativeFetch(input, init);
  const url = input instanceof Request ? input.url : String(input);
  const auth = new Headers(init?.headers).get('authorization');
  if (/\/files$/.test(url) && auth) listed.add(auth.replace(/^Bearer /, ''));
  return res;
};

afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
  warnings.length = 0;
  listed.clear();
});

async function connected(session?: CreatedSession) {
  const both = session ? await rejoin(session) : await call();
  await Promise.all([both.agent.start(), both.customer.start()]);
  await Promise.all([reach(both.agent, 'connected'), reach(both.customer, 'connected')]);
  await Promise.all([inMode(both.agent, 'two-way'), inMode(both.customer, 'two-way')]);
  return both;
}

/** New elements for both people of `session` (what a reload gives), mounted, not started. */
async function rejoin(session: CreatedSession) {
  const { signallingUrl } = await service();
  const agent = mount({ 'signalling-url': signallingUrl, token: session.agentToken });
  const customer = mount({ 'signalling-url': signallingUrl, token: session.customerToken });
  return { session, agent, customer };
}

/** The agent takes a screenshot and saves it; resolves once the service has it. */
async function savedScreenshot(agent: VideoSession, session: CreatedSession) {
  const still = await agent.takeScreenshot();
  const bytes = await sha256(still.blob!);
  await agent.saveScreenshot(still.id);
  await until(
    async () => (await serviceFiles(session.id, session.agentToken)).length === 1,
    15_000,
    'the service does not have it',
  );
  return { id: still.id, width: still.width, height: still.height, sha256: bytes };
}

const find = (el: VideoSession, id: string): Screenshot | undefined =>
  el.screenshots.find((s) => s.id === id);

/** Opens `el`'s gallery (its button shows once there are screenshots) and returns its entries. */
async function openGallery(el: VideoSession): Promise<HTMLElement> {
  await until(() => part(el, 'gallery-button') !== null, 10_000, 'no screenshots to show');
  if (!part(el, 'gallery')) part(el, 'gallery-button')!.click();
  await el.updateComplete;
  return part(el, 'gallery')!;
}

/** The gallery's entry for still `id` once its picture has loaded. */
async function shown(el: VideoSession, id: string) {
  const gallery = await openGallery(el);
  let img: HTMLImageElement | null = null;
  await until(
    () => {
      img = gallery.querySelector<HTMLImageElement>(`li.still[data-id="${id}"] img`);
      return !!img && img.complete && img.naturalWidth > 0;
    },
    10_000,
    'the picture did not load',
  );
  const entries = gallery.querySelectorAll(`li.still[data-id="${id}"]`);
  expect(entries, 'listed once').to.have.length(1);
  return { entry: entries[0] as HTMLLIElement, img: img! };
}

describe('the gallery lists what the service has', () => {
  it('after both reload, each gallery lists the saved screenshot as saved, with the service’s PNG', async () => {
    const first = await connected();
    const { session } = first;
    const still = await savedScreenshot(first.agent, session);
    first.agent.remove();
    first.customer.remove();

    const { agent, customer } = await connected(session);
    const errors: string[] = [];
    for (const el of [agent, customer]) {
      el.addEventListener('vs-error', (e: VsErrorEvent) => errors.push(e.code));
    }
    for (const [el, by] of [
      [agent, 'You'],
      [customer, 'Alice'],
    ] as const) {
      const { entry, img } = await shown(el, still.id);
      expect(entry.textContent).to.contain('Saved to the ticket');
      expect(entry.textContent).to.contain(by);
      // The picture is the PNG the service stored: its size and its very bytes.
      expect([img.naturalWidth, img.naturalHeight]).to.deep.equal([still.width, still.height]);
      expect(await sha256(await (await fetch(img.src)).arrayBuffer())).to.equal(still.sha256);
      const link = img.closest('a')!;
      expect(link.href, 'it opens').to.equal(img.src);
      expect(link.target).to.equal('_blank');
      expect(el.screenshots.map((s) => [s.id, s.save])).to.deep.equal([[still.id, 'saved']]);
    }
    expect(errors).to.deep.equal([]);
  });

  it('a still this page shows but never saw saved becomes saved when welcomed back, not listed twice', async () => {
    const { agent, customer, session } = await connected();
    // The customer's page has asked the service for the session's files (once its call settled):
    // from now on only a welcome tells it what the service has.
    await until(() => listed.has(session.customerToken), 15_000, 'the customer never listed');
    const still = await agent.takeScreenshot();
    await until(() => find(customer, still.id)?.blob != null);
    // The agent's page closes right after saving: its still is stored, the customer never hears.
    agent.remove();
    const again = await rejoinAfterSave(still, session);
    await until(() => find(again, still.id)?.save === 'saved', 5000, 'agent: not listed');
    expect(find(customer, still.id)!.save, 'the customer was not told').to.equal('open');

    // The customer's link to the service drops and comes back.
    (customer as unknown as { call: { signalling: { ws: WebSocket } } }).call.signalling.ws.close();
    await until(() => find(customer, still.id)?.save === 'saved', 15_000, 'customer: not saved');
    expect(customer.screenshots).to.have.length(1);
    const kept = find(customer, still.id)!;
    expect(await sha256(kept.blob!), 'its own copy stays').to.equal(await sha256(still.blob!));
    await reach(customer, 'connected');
    const { entry, img } = await shown(customer, still.id);
    expect(entry.textContent).to.contain('Saved to the ticket');
    expect(img.src, 'shown from its own copy').to.match(/^blob:/);
  });

  it('the customer of an internal session who joins again sees none, quietly', async () => {
    const first = await connected();
    const { session } = first;
    const still = await savedScreenshot(first.agent, session);
    await setVisibility(session.id, 'internal');
    first.agent.remove();
    first.customer.remove();

    const { agent, customer } = await rejoin(session);
    const errors: string[] = [];
    customer.addEventListener('vs-error', (e: VsErrorEvent) => errors.push(e.code));
    const refused = new Promise<number>((resolve) => {
      // The customer's ask, answered: when it is in, there is nothing more to wait for.
      const native = window.fetch;
      window.fetch = async (...args) => {
        const res = await native(...args);
        const auth = new Headers(args[1]?.headers).get('authorization');
        if (String(args[0]).endsWith('/files') && auth === `Bearer ${session.customerToken}`) {
          window.fetch = native;
          resolve(res.status);
        }
        return res;
      };
    });
    await Promise.all([agent.start(), customer.start()]);
    await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
    const { entry } = await shown(agent, still.id);
    expect(entry.textContent, 'the agent still sees it').to.contain('Saved to the ticket');

    expect(await refused).to.equal(403);
    await customer.updateComplete;
    expect(customer.screenshots).to.deep.equal([]);
    expect(part(customer, 'gallery-button')).to.equal(null);
    expect(errors).to.deep.equal([]);
    expect(warnings.filter((w) => w.includes('screenshots'))).to.deep.equal([]);
  });

  it('shows a screenshot as saved when its upload finished after the call ended', async () => {
    const { agent, customer, session } = await connected();
    const still = await agent.takeScreenshot();
    await until(() => find(customer, still.id)?.state === 'done', 10_000, 'customer has it');
    // The agent says it saved it, and the call ends before its upload is confirmed.
    (agent as unknown as { call: { send(m: unknown): boolean } }).call.send({
      type: 'still-saved',
      id: still.id,
      edited: false,
    });
    await until(() => find(customer, still.id)?.save === 'uploading', 5000, 'not uploading');
    await executeServerCommand('vs-end-session', { id: session.id });
    await Promise.all([reach(agent, 'ended'), reach(customer, 'ended')]);
    agent.remove(); // nothing of the agent's page can tell the customer any more
    expect(find(customer, still.id)!.save).to.equal('uploading');

    // The agent's page finishes the upload afterwards (within the service's grace period).
    const { url } = await service();
    const blob = still.blob!;
    const upload = await createUpload(serviceBase(url), session.id, session.agentToken, {
      kind: 'screenshot',
      ref: still.id,
      name: still.name,
      type: 'image/png',
      size: blob.size,
      sha256: await sha256(blob),
      meta: { width: still.width, height: still.height, takenBy: 'agent' },
    });
    await sendUploadChunk(
      serviceBase(url),
      session.id,
      upload.uploadId,
      session.agentToken,
      0,
      blob,
    );

    // The customer's gallery, still showing after the call, learns it from the service.
    await until(() => find(customer, still.id)?.save === 'saved', 20_000, 'never saved');
    await customer.updateComplete;
    const entry = part(customer, 'gallery')!.querySelector(`li.still[data-id="${still.id}"]`)!;
    expect(entry.textContent).to.contain('Saved to the ticket');
  });
});
