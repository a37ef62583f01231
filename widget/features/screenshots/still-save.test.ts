import { expect } from 'chai';
import type { Screenshot } from './screenshot.js';
import type { VsErrorEvent, VsUploadProgressEvent } from '../../events.js';
import { openWidgetDb } from '../../core/storage/widget-db.js';
import {
  call,
  inMode,
  mount,
  part,
  reach,
  rejoinAfterSave,
  service,
  until,
  serviceFiles,
  sha256,
} from '../../testing.js';
import type { VideoSession } from '../../video-session.js';

afterEach(async () => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
  // What a test left on the device (kept screenshots) is not the next test's.
  await (await openWidgetDb()).clear('stills');
});

async function connected() {
  const { agent, customer, session } = await call();
  await Promise.all([agent.start(), customer.start()]);
  await Promise.all([reach(agent, 'connected'), reach(customer, 'connected')]);
  await Promise.all([inMode(agent, 'two-way'), inMode(customer, 'two-way')]);
  return { agent, customer, session };
}

const find = (el: VideoSession, id: string): Screenshot | undefined =>
  el.screenshots.find((s) => s.id === id);

/** A PNG of `width` x `height`, all one colour. */
async function plainPng(width: number, height: number, colour: string): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** The button `name` (`save`, `discard`) of the editor opened on `el`'s new still, once usable. */
async function editorButton(el: VideoSession, name: string): Promise<HTMLButtonElement> {
  let found: HTMLButtonElement | null = null;
  await until(
    () => {
      const editor = part(el, 'screenshot-editor');
      found = editor?.shadowRoot?.querySelector<HTMLButtonElement>(`[part~="${name}"]`) ?? null;
      return !!found && !found.disabled;
    },
    10_000,
    'the editor did not open',
  );
  return found!;
}

/** Sends `message` over the agent's data channel as it is, unchecked. */
function sendRaw(el: VideoSession, message: unknown): void {
  (el as unknown as { call: { send(m: unknown): boolean } }).call.send(message);
}

/**
 * The agent takes a screenshot and closes the page before deciding on it (the page has kept it on
 * the device), then opens the session again: the new page, started.
 */
async function closedBeforeDeciding() {
  const { agent, session } = await connected();
  const still = await agent.takeScreenshot();
  const db = await openWidgetDb();
  await until(async () => (await db.get('stills', still.id))?.decided === false, 5000, 'not kept');
  agent.remove();
  const { signallingUrl } = await service();
  const again = mount({ 'signalling-url': signallingUrl, token: session.agentToken });
  await again.start();
  return { still, session, again, db };
}

describe('saving screenshots', () => {
  it('opens the choice on the taker’s side; Save stores and uploads the very same bytes, and both galleries say so', async () => {
    const { agent, customer, session } = await connected();
    const progress: VsUploadProgressEvent[] = [];
    agent.addEventListener('vs-upload-progress', (e) => progress.push(e));

    const still = await agent.takeScreenshot();
    const original = await sha256(still.blob!);
    await agent.updateComplete;
    // Only the person who asked decides.
    expect(part(agent, 'screenshot-review'), 'the agent is asked').to.not.equal(null);
    const save = await editorButton(agent, 'save');
    await until(() => find(customer, still.id)?.blob != null);
    await customer.updateComplete;
    expect(part(customer, 'screenshot-review'), 'the customer is not').to.equal(null);
    expect(find(customer, still.id)!.save).to.equal('open');

    save.click();
    await until(() => find(agent, still.id)!.save === 'saved', 15_000, 'agent: not saved');
    await until(() => find(customer, still.id)!.save === 'saved', 5000, 'customer: not told');
    await agent.updateComplete;
    expect(part(agent, 'screenshot-review'), 'the choice is made').to.equal(null);
    expect(part(agent, 'gallery')!.textContent).to.contain('Saved to the ticket');
    customer.shadowRoot!.querySelector<HTMLButtonElement>('[part~="gallery-button"]')!.click();
    await customer.updateComplete;
    expect(part(customer, 'gallery')!.textContent).to.contain('Saved to the ticket');

    // The bytes are the same on both sides and on the service.
    expect(await sha256(find(agent, still.id)!.blob!)).to.equal(original);
    expect(await sha256(find(customer, still.id)!.blob!)).to.equal(original);
    const [file] = await serviceFiles(session.id, session.customerToken);
    expect(file!.ref).to.equal(still.id);
    expect(file!.meta).to.deep.equal({
      width: still.width,
      height: still.height,
      takenBy: 'agent',
    });
    expect(await sha256(await (await fetch(file!.url)).arrayBuffer())).to.equal(original);
    expect(progress.at(-1)!.file?.ref).to.equal(still.id);
    // Confirmed by the service: nothing of it is left on the device.
    const db = await openWidgetDb();
    expect(await db.get('stills', still.id)).to.equal(undefined);
    expect(await db.get('uploads', still.id)).to.equal(undefined);
  });

  it('Discard removes it on both sides; nothing is stored or uploaded', async () => {
    const { agent, customer, session } = await connected();
    const still = await agent.takeScreenshot();
    await until(() => find(customer, still.id)?.blob != null);
    (await editorButton(agent, 'discard')).click();
    await until(() => customer.screenshots.length === 0, 5000, 'still on the customer’s side');
    expect(agent.screenshots).to.have.length(0);
    await agent.updateComplete;
    expect(part(agent, 'screenshot-review')).to.equal(null);
    const db = await openWidgetDb();
    expect(await db.get('stills', still.id)).to.equal(undefined);
    expect(await serviceFiles(session.id, session.agentToken)).to.deep.equal([]);
    // Decided once: it cannot be saved afterwards.
    const late = await agent.saveScreenshot(still.id).catch((e: { code: string }) => e.code);
    expect(late).to.equal('ERR_STILL_UNAVAILABLE');
  });

  it('an edited still replaces the first on both sides and is what the service stores', async () => {
    const { agent, customer, session } = await connected();
    const still = await agent.takeScreenshot();
    await until(() => find(customer, still.id)?.blob != null);
    const edited = await plainPng(still.width, still.height, '#123456');
    await agent.saveScreenshot(still.id, edited);
    const want = await sha256(edited);
    expect(await sha256(find(agent, still.id)!.blob!)).to.equal(want);
    await until(
      async () => (await sha256(find(customer, still.id)!.blob!)) === want,
      10_000,
      'the customer did not get the edited still',
    );
    expect(find(customer, still.id)!.edited).to.equal(true);
    await until(() => find(customer, still.id)!.save === 'saved', 15_000, 'not saved');
    const [file] = await serviceFiles(session.id, session.agentToken);
    expect(file!.sha256).to.equal(want);
    expect(await sha256(await (await fetch(file!.url)).arrayBuffer())).to.equal(want);
  });

  it('drops malformed or unasked still messages with a code; the call stays up', async () => {
    const { agent, customer } = await connected();
    const still = await agent.takeScreenshot();
    await until(() => find(customer, still.id)?.blob != null);
    const before = await sha256(find(customer, still.id)!.blob!);
    const errors: string[] = [];
    customer.addEventListener('vs-error', (e: VsErrorEvent) => errors.push(e.code));

    sendRaw(agent, { type: 'still-saved', id: still.id, edited: 'yes' });
    sendRaw(agent, { type: 'still-upload', id: still.id, state: 'done', loaded: 1, size: 1 });
    sendRaw(agent, { type: 'still-discarded', id: 42 });
    await until(() => errors.length === 3, 5000, `errors: ${errors.join()}`);
    expect(errors).to.deep.equal(Array(3).fill('ERR_PEER_MESSAGE_INVALID'));
    // A second file for the still, without the taker saying it was edited: ignored.
    await (
      agent as unknown as {
        transfers: { send(b: Blob, n: string, p: string, r: string): Promise<unknown> };
      }
    ).transfers.send(await plainPng(8, 8, '#ff0000'), 'x.png', 'still', still.id);
    // The customer cannot decide on the agent's still, nor the agent on a still it does not hold.
    const theirs = await customer.saveScreenshot(still.id).catch((e: { code: string }) => e.code);
    expect(theirs).to.equal('ERR_STILL_UNAVAILABLE');
    expect(() => customer.discardScreenshot(still.id)).to.throw();

    expect(customer.state).to.equal('connected');
    expect(agent.state).to.equal('connected');
    const kept = find(customer, still.id)!;
    expect(kept.save).to.equal('open');
    expect(await sha256(kept.blob!)).to.equal(before);
  });

  it('uploads a still an earlier page saved but did not get to the service, on the next join', async () => {
    const { agent, customer, session } = await connected();
    const still = await agent.takeScreenshot();
    agent.remove();
    customer.remove();
    await rejoinAfterSave(still, session);
    const [file] = await serviceFiles(session.id, session.agentToken);
    expect(file!.sha256).to.equal(await sha256(still.blob!));
    const db = await openWidgetDb();
    await until(async () => (await db.get('stills', still.id)) === undefined, 5000, 'kept');
  });

  it('offers again a screenshot whose taker closed the page before deciding, and saves it then', async () => {
    const { still, session, again, db } = await closedBeforeDeciding();
    await until(() => part(again, 'screenshot-review') !== null, 15_000, 'not offered again');
    const offered = find(again, still.id)!;
    expect(offered.save).to.equal('open');
    expect(await sha256(offered.blob!)).to.equal(await sha256(still.blob!));
    expect(
      await serviceFiles(session.id, session.agentToken),
      'undecided: not uploaded',
    ).to.have.length(0);

    // What the page says while it saves, to tell why should the file never arrive.
    const seen: string[] = [];
    again.addEventListener('vs-error', (e: VsErrorEvent) => seen.push(`${e.code}: ${e.message}`));
    again.addEventListener('vs-upload-progress', (e: VsUploadProgressEvent) =>
      seen.push(`${e.loaded}/${e.size}`),
    );
    await again.saveScreenshot(still.id);
    await until(
      async () => (await serviceFiles(session.id, session.agentToken)).length === 1,
      15_000,
      'not uploaded',
    ).catch(async (err: unknown) => {
      const jobs = (await db.getAll('uploads')).map((j) => [j.ref, j.offset, j.uploadId]);
      const kept = (await db.getAll('stills')).map((r) => [r.id, r.decided]);
      const state = find(again, still.id)?.save;
      const files = (await serviceFiles(session.id, session.agentToken)).map((f) => [
        f.ref,
        f.by,
        f.size,
        f.createdAt,
      ]);
      throw new Error(`${String(err)}: ${JSON.stringify({ seen, jobs, kept, state, files })}`);
    });
    await until(async () => (await db.get('stills', still.id)) === undefined, 5000, 'left behind');
  });

  it('forgets a kept screenshot its taker discards after coming back', async () => {
    const { still, again, db } = await closedBeforeDeciding();
    await until(() => find(again, still.id)?.save === 'open', 15_000, 'not offered again');
    again.discardScreenshot(still.id);
    await until(async () => (await db.get('stills', still.id)) === undefined, 5000, 'still kept');
    expect(find(again, still.id)).to.equal(undefined);
  });
});
