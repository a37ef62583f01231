import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import type { UploadCreated } from '../src/rest.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../demo/start-demo.js';
import { launchChromium, PATIENT, waitForFrames, waitForState } from './browser.js';

describe('the demo helpdesk, driven in a browser', () => {
  let browser: Browser;
  let demo: RunningDemo;
  const dataDir = mkdtempSync(join(tmpdir(), 'vs-demo-'));

  beforeAll(async () => {
    demo = await startDemo({
      port: 0,
      service: { port: 0, host: '127.0.0.1', dataDir, logger: pino({ level: 'silent' }) },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a video session from a ticket, and the invite puts the customer in the call', async () => {
    const agent = await (await browser.newContext()).newPage();
    await agent.goto(demo.helpdeskUrl);
    await agent.getByRole('link', { name: 'T-1002' }).click();
    await expect.poll(() => agent.locator('h1').textContent(), PATIENT).toContain('Router lights');
    await agent.getByRole('button', { name: 'Start video session' }).click();
    await waitForState(agent, 'waiting');
    const invite = (await agent.locator('[data-invite]').textContent())!.trim();
    expect(invite).toMatch(/\/j\/[0-9A-Za-z]{12}$/); // the short link, for SMS

    const customer = await (await browser.newContext()).newPage();
    await customer.goto(invite);
    await customer.getByRole('button', { name: 'Join video call' }).click();
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    expect((await waitForFrames(agent, 1)).width).toBeGreaterThan(0);
    expect((await waitForFrames(customer, 1)).width).toBeGreaterThan(0);

    // The customer ends the call: the session stays open as chat; the agent ends the session.
    await customer.locator('video-session').getByRole('button', { name: 'End call' }).click();
    await agent.locator('video-session').getByRole('button', { name: 'End session' }).click();
    await Promise.all([waitForState(agent, 'ended'), waitForState(customer, 'ended')]);

    // The ticket lists its session.
    await agent.goto(`${demo.helpdeskUrl}/tickets/T-1002`);
    await expect.poll(() => agent.locator('li a').count(), PATIENT).toBe(1);
  });

  it("shows a ticket's screenshots and plays its recordings, and keeps them live", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${demo.helpdeskUrl}/tickets/T-1001`);
    await page.getByRole('button', { name: 'Start video session' }).click();
    await page.waitForURL(/\/sessions\/ses_/);
    const sessionId = /\/sessions\/(ses_[\w-]+)/.exec(page.url())![1]!;

    // A real PNG and a real WebM, made by Chromium, stored through the upload API.
    const still = await pictures(page, 'png');
    await upload(sessionId, 'screenshot', 'still-1', 'router.png', 'image/png', still);
    await page.goto(`${demo.helpdeskUrl}/tickets/T-1001`);
    const img = page.locator('[data-media] img');
    await expect
      .poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), PATIENT)
      .toBe(64);
    await expect.poll(() => page.locator('[data-media-empty]').isHidden(), PATIENT).toBe(true);

    // A recording stored while the page is open appears through the webhook, and plays.
    const movie = await pictures(page, 'webm');
    await upload(sessionId, 'recording', 'rec-1', 'call.webm', 'video/webm', movie);
    const video = page.locator('[data-media] video');
    await expect.poll(() => video.count(), { timeout: 15_000 }).toBe(1);
    await expect
      .poll(
        () => video.evaluate((v: HTMLVideoElement) => v.readyState >= 1 && v.videoWidth),
        PATIENT,
      )
      .toBe(64);

    // Erased on the service: both go from the page.
    const erased = await fetch(`${demo.service.url}/v1/sessions/${sessionId}/files`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${demo.service.config.apiKey}` },
    });
    expect(await erased.json()).toEqual({ deleted: 2 });
    await expect.poll(() => page.locator('[data-media] li').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => page.locator('[data-media-empty]').isVisible(), PATIENT).toBe(true);
  });

  /** 64x48 pixels drawn on a canvas, as a PNG or as one second of WebM video. */
  async function pictures(page: Page, as: 'png' | 'webm'): Promise<Buffer> {
    const bytes = await page.evaluate(async (kind) => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const g = canvas.getContext('2d')!;
      const paint = (n: number) => {
        g.fillStyle = `hsl(${n * 20} 80% 50%)`;
        g.fillRect(0, 0, 64, 48);
      };
      paint(0);
      let blob: Blob;
      if (kind === 'png') {
        blob = await new Promise<Blob>((done) => canvas.toBlob((b) => done(b!), 'image/png'));
      } else {
        const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm' });
        const parts: Blob[] = [];
        recorder.ondataavailable = (e) => parts.push(e.data);
        recorder.start();
        for (let n = 1; n <= 20; n++) {
          await new Promise((r) => setTimeout(r, 50));
          paint(n);
        }
        await new Promise((done) => {
          recorder.onstop = done;
          recorder.stop();
        });
        blob = new Blob(parts, { type: 'video/webm' });
      }
      return [...new Uint8Array(await blob.arrayBuffer())];
    }, as);
    return Buffer.from(bytes);
  }

  /** Stores `bytes` in the session with the API key, in the service's chunks. */
  async function upload(
    sessionId: string,
    kind: string,
    ref: string,
    name: string,
    type: string,
    bytes: Buffer,
  ): Promise<void> {
    const base = `${demo.service.url}/v1/sessions/${sessionId}/uploads`;
    const auth = { authorization: `Bearer ${demo.service.config.apiKey}` };
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const res = await fetch(base, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ kind, ref, name, type, size: bytes.length, sha256 }),
    });
    expect(res.status).toBe(201);
    const up = (await res.json()) as UploadCreated;
    for (let at = 0; at < bytes.length; at += up.chunkSize) {
      const chunk = await fetch(`${base}/${up.uploadId}`, {
        method: 'PATCH',
        headers: {
          ...auth,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': String(at),
        },
        body: new Blob([bytes.subarray(at, at + up.chunkSize) as Uint8Array<ArrayBuffer>]),
      });
      expect(chunk.status).toBe(200);
    }
  }
});
