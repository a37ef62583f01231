/**
 * Screenshots between two real pages through the real service: the agent takes one of the
 * customer's camera and keeps it. The still is the camera's full size even when the stream is
 * scaled down, and the same bytes end up on both pages and on the service (downloaded through the
 * signed link of the `screenshot.created` webhook). A discarded one leaves nothing behind.
 */
import type { Page } from 'playwright-core';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileList } from '../src/rest.js';
import { TEST_API_KEY } from '../signalling/testing/service.js';
import { PATIENT, remoteVideoWidth, waitForState } from './browser.js';
import { useTicketScene } from './ticket-scene.js';

/** Keeps the page's peer connections, to scale their video down later. */
const KEEP_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  window.vsConnections = [];
  window.RTCPeerConnection = class extends Native {
    constructor(config) {
      super(config);
      window.vsConnections.push(this);
    }
  };
})();`;

/** Sends the page's video at a quarter of its size, as a congested link makes a sender do. */
function scaleDownSentVideo(page: Page) {
  return page.evaluate(async () => {
    for (const pc of (window as unknown as { vsConnections: RTCPeerConnection[] }).vsConnections) {
      for (const sender of pc.getSenders()) {
        if (sender.track?.kind !== 'video') continue;
        const params = sender.getParameters();
        for (const e of params.encodings) e.scaleResolutionDownBy = 4;
        await sender.setParameters(params);
      }
    }
  });
}

/** A still as the page holds it: id, size, state, and the SHA-256 of its bytes. */
function stillOn(page: Page, id: string) {
  return page.evaluate(async (id) => {
    const still = document.querySelector('video-session')!.screenshots.find((s) => s.id === id);
    if (!still?.blob) return null;
    const digest = await crypto.subtle.digest('SHA-256', await still.blob.arrayBuffer());
    const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    return { width: still.width, height: still.height, save: still.save, sha256 };
  }, id);
}

const sha256 = (bytes: ArrayBuffer) =>
  createHash('sha256').update(new Uint8Array(bytes)).digest('hex');

describe('screenshots between two pages, saved for the ticket', () => {
  const scene = useTicketScene();

  /** Both pages of a fresh session in a call. */
  async function inCall() {
    const session = await scene.service.createSession({ customer: { name: 'Dana' } });
    const pages: Page[] = [];
    for (const token of [session.agentToken, session.customerToken]) {
      const page = await scene.open(
        token,
        token === session.customerToken ? KEEP_CONNECTIONS : undefined,
      );
      await page.evaluate(() => document.querySelector('video-session')!.start());
      pages.push(page);
    }
    const [agent, customer] = pages as [Page, Page];
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    const remoteWidth = () => remoteVideoWidth(agent);
    await expect.poll(remoteWidth, { timeout: 15_000 }).toBeGreaterThan(0);
    return { session, agent, customer, remoteWidth };
  }

  async function take(agent: Page): Promise<string> {
    const before = await agent.evaluate(() =>
      document.querySelector('video-session')!.screenshots.map((s) => s.id),
    );
    await agent.locator('video-session').locator('[part~="screenshot-button"]').click();
    await agent.locator('video-session').locator('[part~="screenshot-review"]').waitFor();
    return agent.evaluate(
      (before) =>
        document
          .querySelector('video-session')!
          .screenshots.find((s) => !before.includes(s.id) && s.blob)!.id,
      before,
    );
  }

  it('keeps the camera’s full size, and the same bytes on both pages and on the service', async () => {
    const { session, agent, customer, remoteWidth } = await inCall();
    const camera = await customer.evaluate(() => {
      const v = document
        .querySelector('video-session')!
        .shadowRoot!.querySelector<HTMLVideoElement>('[part~="local-video"]')!;
      return { width: v.videoWidth, height: v.videoHeight };
    });
    expect(camera.width).toBeGreaterThanOrEqual(1280);
    await scaleDownSentVideo(customer);
    await expect.poll(remoteWidth, { timeout: 15_000 }).toBeLessThanOrEqual(camera.width / 4);

    const id = await take(agent);
    await agent.locator('video-session-screenshot-editor').locator('[part~="save"]').click();

    const saved = async (page: Page) => (await stillOn(page, id))?.save;
    await expect.poll(() => saved(agent), { timeout: 20_000 }).toBe('saved');
    await expect.poll(() => saved(customer), PATIENT).toBe('saved');
    const ours = (await stillOn(agent, id))!;
    const theirs = (await stillOn(customer, id))!;
    expect([ours.width, ours.height]).toEqual([camera.width, camera.height]);
    expect(await remoteWidth()).toBeLessThan(ours.width);
    expect(theirs.sha256).toBe(ours.sha256);

    // The ticket is told, with a signed link to the very same bytes.
    const created = () =>
      scene.receiver
        .distinct()
        .find((d) => d.event.sessionId === session.id && d.event.type === 'screenshot.created');
    await scene.receiver.until(() => created() !== undefined, 10_000);
    const data = created()!.event.data as { ref: string; url: string; meta: { width: number } };
    expect(data.ref).toBe(id);
    expect(data.meta.width).toBe(camera.width);
    const res = await fetch(data.url);
    expect(res.status).toBe(200);
    expect(sha256(await res.arrayBuffer())).toBe(ours.sha256);

    // Both galleries say where it is.
    const gallery = (page: Page) => page.locator('video-session').locator('[part~="gallery"]');
    await gallery(agent).getByText('Saved to the ticket').waitFor();
    await customer.locator('video-session').locator('[part~="gallery-button"]').click();
    await gallery(customer).getByText('Saved to the ticket').waitFor();
    expect(scene.receiver.rejected).toEqual([]);
  });

  it('a masked area keeps none of its pixels on the service, and the other page holds the edit', async () => {
    const { session, agent, customer } = await inCall();
    const id = await take(agent);
    await expect.poll(() => stillOn(customer, id), { timeout: 10_000 }).not.toBeNull();
    const original = (await stillOn(agent, id))!;
    // Kept in the page to compare pixels with later (the still's Blob is replaced on Save).
    await agent.evaluate((id) => {
      const still = document.querySelector('video-session')!.screenshots.find((s) => s.id === id);
      (window as unknown as { original: Blob }).original = still!.blob!;
    }, id);

    // Cover the middle of the picture with the editor's solid mask, through the mouse.
    const editor = agent.locator('video-session-screenshot-editor');
    await editor.locator('canvas').waitFor();
    await editor.locator('[data-tool="fill"]').click();
    const shown = await editor.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const box = canvas.getBoundingClientRect();
      const scale = Math.min(box.width / canvas.width, box.height / canvas.height);
      return {
        left: box.left + (box.width - canvas.width * scale) / 2,
        top: box.top + (box.height - canvas.height * scale) / 2,
        width: canvas.width * scale,
        height: canvas.height * scale,
      };
    });
    const at = (fx: number, fy: number) =>
      [shown.left + fx * shown.width, shown.top + fy * shown.height] as const;
    await agent.mouse.move(...at(0.3, 0.3));
    await agent.mouse.down();
    for (let i = 1; i <= 8; i++) await agent.mouse.move(...at(0.3 + 0.04 * i, 0.3 + 0.04 * i));
    await agent.mouse.up();
    await editor.locator('[part~="save"]').click();

    const saved = async (page: Page) => (await stillOn(page, id))?.save;
    await expect.poll(() => saved(agent), { timeout: 20_000 }).toBe('saved');
    const ours = (await stillOn(agent, id))!;
    expect(ours.sha256).not.toBe(original.sha256);
    expect([ours.width, ours.height]).toEqual([original.width, original.height]);
    // The other page holds the edited bytes, not the original.
    await expect
      .poll(async () => (await stillOn(customer, id))?.sha256, { timeout: 10_000 })
      .toBe(ours.sha256);

    const created = () =>
      scene.receiver
        .distinct()
        .find((d) => d.event.sessionId === session.id && d.event.type === 'screenshot.created');
    await scene.receiver.until(() => created() !== undefined, 10_000);
    const { url } = created()!.event.data as { url: string };
    const res = await fetch(url);
    expect(sha256(await res.arrayBuffer())).toBe(ours.sha256);

    // Pixels of the service's file against the original: all changed under the mask (one colour),
    // none changed well away from it.
    const compared = await agent.evaluate(async (url) => {
      const decode = async (blob: Blob) => {
        const bitmap = await createImageBitmap(blob);
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      };
      const before = await decode((window as unknown as { original: Blob }).original);
      const after = await decode(await (await fetch(url)).blob());
      const region = (x0: number, y0: number, x1: number, y1: number) => {
        let same = 0,
          total = 0;
        const colours = new Set<string>();
        for (let y = Math.round(y0 * after.height); y < y1 * after.height; y++)
          for (let x = Math.round(x0 * after.width); x < x1 * after.width; x++) {
            const i = 4 * (y * after.width + x);
            const a = after.data.slice(i, i + 3).join();
            if (a === before.data.slice(i, i + 3).join()) same++;
            colours.add(a);
            total++;
          }
        return { same, total, colours: colours.size };
      };
      return { masked: region(0.35, 0.35, 0.6, 0.6), away: region(0.05, 0.05, 0.2, 0.2) };
    }, url);
    expect(compared.masked.total).toBeGreaterThan(10_000);
    expect(compared.masked.colours).toBe(1);
    expect(compared.masked.same / compared.masked.total).toBeLessThan(0.05);
    expect(compared.away.same).toBe(compared.away.total);
  });

  it('a discarded screenshot is gone from both pages and never reaches the service', async () => {
    const { session, agent, customer } = await inCall();
    const id = await take(agent);
    await expect.poll(() => stillOn(customer, id), { timeout: 10_000 }).not.toBeNull();
    await agent.locator('video-session-screenshot-editor').locator('[part~="discard"]').click();
    const count = (page: Page) =>
      page.evaluate(() => document.querySelector('video-session')!.screenshots.length);
    await expect.poll(() => count(customer), PATIENT).toBe(0);
    expect(await count(agent)).toBe(0);
    const res = await fetch(`${scene.service.url}/v1/sessions/${session.id}/files`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(((await res.json()) as FileList).files).toEqual([]);
  });
});
