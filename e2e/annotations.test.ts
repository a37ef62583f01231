/**
 * Drawing and pointing on the customer's camera picture, between two real browsers through the
 * real service: what the agent draws on the customer's video appears on the customer's own
 * (mirrored) camera view at the same spot of the picture, whatever the element sizes and
 * `object-fit`; undo/redo/clear reach the other side; bad operations are dropped and the call
 * stays up; the pointer follows the agent's cursor and fades.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../signalling/testing/service.js';
import { launchChromium, PATIENT, recordErrors, waitForState } from './browser.js';
import { startHostPage, type HostPage } from './host-page.js';

/** Records every data channel a page opens or receives, and counts sends on the unreliable one. */
const RECORD_CHANNELS = `(() => {
  const channels = (window.__channels = []);
  window.__unreliableSends = 0;
  const track = (c) => {
    channels.push(c);
    if (c.label === 'vs-unreliable') {
      const send = c.send;
      c.send = function (data) { window.__unreliableSends++; return send.call(this, data); };
    }
    return c;
  };
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('datachannel', (e) => track(e.channel));
    }
    createDataChannel(...args) {
      return track(super.createDataChannel(...args));
    }
  };
})();`;

interface View {
  id: string;
  author: string;
  tool: string;
  points: number[];
}

const annotations = (page: Page) =>
  page.evaluate(
    () =>
      (document.querySelector('video-session') as unknown as { annotations: View[] }).annotations,
  );

/**
 * Where normalised frame point (nx, ny) is on the page, computed here independently of the
 * widget: the video's box, its object-fit (contain, cover, fill) and whether it is mirrored.
 */
function pagePoint(page: Page, video: 'remote' | 'local', nx: number, ny: number) {
  return page.evaluate(
    ([which, x, y]) => {
      const v = document
        .querySelector('video-session')!
        .shadowRoot!.querySelector(`video.${which}`) as HTMLVideoElement;
      const box = v.getBoundingClientRect();
      const fit = getComputedStyle(v).objectFit;
      const vw = v.videoWidth,
        vh = v.videoHeight;
      let sx = box.width / vw,
        sy = box.height / vh;
      if (fit !== 'fill') sx = sy = (fit === 'cover' ? Math.max : Math.min)(sx, sy);
      const w = vw * sx,
        h = vh * sy;
      const mirrored = getComputedStyle(v).transform.startsWith('matrix(-1');
      const fx = mirrored ? 1 - (x as number) : (x as number);
      return [
        box.left + (box.width - w) / 2 + fx * w,
        box.top + (box.height - h) / 2 + (y as number) * h,
      ];
    },
    [video, nx, ny] as const,
  ) as Promise<[number, number]>;
}

/** The annotation canvas's pixels around page point (x, y), within `r` CSS pixels. */
function pixelsNear(page: Page, x: number, y: number, r = 3) {
  return page.evaluate(
    ([px, py, radius]) => {
      const c = document
        .querySelector('video-session')!
        .shadowRoot!.querySelector('canvas.annotations') as HTMLCanvasElement;
      const box = c.getBoundingClientRect();
      const dpr = c.width / box.width;
      const cx = Math.round((px! - box.left) * dpr),
        cy = Math.round((py! - box.top) * dpr);
      const d = Math.ceil(radius! * dpr);
      const data = c.getContext('2d')!.getImageData(cx - d, cy - d, 2 * d + 1, 2 * d + 1).data;
      const out: [number, number, number, number][] = [];
      for (let i = 0; i < data.length; i += 4)
        out.push([data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!]);
      return out;
    },
    [x, y, r] as const,
  );
}

const isRed = ([r, g, b, a]: number[]) => a! > 200 && r! > 200 && g! < 100 && b! < 100;
const isYellow = ([r, g, b, a]: number[]) => a! > 150 && r! > 200 && g! > 160 && b! < 80;

/**
 * From now on, looks at every frame the page paints for the pointer (yellow) within `r` CSS pixels
 * of page point (x, y), and notes if it was there once: the pointer shows for about a second and a
 * half, less than a busy machine may take between two looks from here. The returned function says
 * whether it was seen yet.
 */
async function watchForPointer(page: Page, [x, y]: [number, number], r: number) {
  const id = await page.evaluate(
    ([px, py, radius]) => {
      const w = window as unknown as { pointerSeen?: boolean[] };
      const seen = (w.pointerSeen ??= []);
      const id = seen.push(false) - 1;
      const look = () => {
        const c = document
          .querySelector('video-session')
          ?.shadowRoot?.querySelector('canvas.annotations') as HTMLCanvasElement | null;
        if (c && c.width > 0) {
          const box = c.getBoundingClientRect();
          const dpr = c.width / box.width;
          const d = Math.ceil(radius! * dpr);
          const data = c
            .getContext('2d')!
            .getImageData(
              Math.round((px! - box.left) * dpr) - d,
              Math.round((py! - box.top) * dpr) - d,
              2 * d + 1,
              2 * d + 1,
            ).data;
          for (let i = 0; i < data.length; i += 4) {
            // The same test as isYellow.
            if (data[i + 3]! > 150 && data[i]! > 200 && data[i + 1]! > 160 && data[i + 2]! < 80) {
              seen[id] = true;
              return;
            }
          }
        }
        requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
      return id;
    },
    [x, y, r] as const,
  );
  return () =>
    page.evaluate((i) => (window as unknown as { pointerSeen: boolean[] }).pointerSeen[i]!, id);
}

async function drag(page: Page, from: [number, number], to: [number, number]) {
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move(...to, { steps: 8 });
  await page.mouse.up();
}

describe('drawing on the customer’s picture, between two browsers', () => {
  let browser: Browser;
  let service: TestService;
  let host: HostPage;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    host = await startHostPage();
    service = await startTestService({ allowedOrigins: [host.origin] });
    host.use(service.url, service.signallingUrl);
    browser = await launchChromium();
  });
  afterEach(async () => {
    // Each test's call ends with it: calls left running would slow every later test down.
    for (const c of contexts.splice(0)) await c.close();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await host?.close();
  });

  /** An agent and a customer on host pages with the given CSS, connected, frames flowing. */
  async function call(agentCss = '', customerCss = '') {
    const session = await service.createSession();
    const open = async (token: string, css: string) => {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.addInitScript(RECORD_CHANNELS);
      await page.goto(host.url(token, css));
      return page;
    };
    const agent = await open(session.agentToken, agentCss);
    const customer = await open(session.customerToken, customerCss);
    const errors = { agent: await recordErrors(agent), customer: await recordErrors(customer) };
    await agent.evaluate(() => document.querySelector('video-session')!.start());
    await customer.evaluate(() => document.querySelector('video-session')!.start());
    await Promise.all([waitForState(agent, 'connected'), waitForState(customer, 'connected')]);
    // The agent's picture of the customer's camera has a size, and the drawing tools are there.
    await agent.waitForFunction(() => {
      const root = document.querySelector('video-session')!.shadowRoot!;
      const v = root.querySelector('video.remote') as HTMLVideoElement;
      return v.videoWidth > 0 && root.querySelector('[part~="annotation-tools"]') !== null;
    });
    return { agent, customer, errors };
  }

  it('puts the agent’s arrow on the same spot of the customer’s picture, across sizes and object-fit', async () => {
    // The agent's view is letterboxed (contain in a wide box); the customer's own camera is
    // cropped (cover in a square box) and mirrored.
    const { agent, customer, errors } = await call(
      'video-session { width: 800px; height: 400px }',
      'video-session { width: 500px; height: 500px } video-session::part(local-video) { object-fit: cover }',
    );
    await agent.locator('video-session').getByRole('button', { name: 'Arrow (A)' }).click();
    await drag(
      agent,
      await pagePoint(agent, 'remote', 0.3, 0.4),
      await pagePoint(agent, 'remote', 0.6, 0.7),
    );

    await expect.poll(() => annotations(customer), PATIENT).toHaveLength(1);
    const [mark] = await annotations(customer);
    expect(mark).toMatchObject({ author: 'agent', tool: 'arrow' });
    const expected = [0.3, 0.4, 0.6, 0.7];
    mark!.points.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(0.01));

    // The customer now sees their own camera large, mirrored and cropped, with the arrow on it.
    await customer.waitForFunction(() =>
      document.querySelector('video-session')!.shadowRoot!.querySelector('video.local.main'),
    );
    const check = async (page: Page, video: 'remote' | 'local') => {
      const mid = await pagePoint(page, video, 0.45, 0.55);
      await expect
        .poll(async () => (await pixelsNear(page, ...mid)).some(isRed), PATIENT)
        .toBe(true);
      // Nowhere near the arrow, nothing is drawn.
      const far = await pagePoint(page, video, 0.8, 0.2);
      expect((await pixelsNear(page, ...far)).every(([, , , a]) => a === 0)).toBe(true);
    };
    await check(customer, 'local');
    await check(agent, 'remote');

    // The customer resizes their window: the arrow moves with the picture.
    await customer.evaluate(() => {
      const el = document.querySelector('video-session') as HTMLElement;
      el.style.width = '720px';
      el.style.height = '300px';
    });
    await check(customer, 'local');
    expect(await errors.agent()).toEqual([]);
    expect(await errors.customer()).toEqual([]);
  });

  it('carries undo, redo and clear across, and drops malformed and oversized operations', async () => {
    const { agent, customer, errors } = await call();
    const tools = (page: Page) =>
      page.locator('video-session').getByRole('toolbar', { name: 'Drawing tools' });
    await tools(agent).getByRole('button', { name: 'Rectangle (R)' }).click();
    await drag(
      agent,
      await pagePoint(agent, 'remote', 0.2, 0.2),
      await pagePoint(agent, 'remote', 0.4, 0.4),
    );
    await expect.poll(async () => (await annotations(customer)).length, PATIENT).toBe(1);

    // The customer draws too; the agent sees it as the customer's.
    await customer.waitForFunction(() =>
      document.querySelector('video-session')!.shadowRoot!.querySelector('video.local.main'),
    );
    await tools(customer).getByRole('button', { name: 'Pen (D)' }).click();
    await drag(
      customer,
      await pagePoint(customer, 'local', 0.6, 0.6),
      await pagePoint(customer, 'local', 0.8, 0.7),
    );
    await expect
      .poll(async () => (await annotations(agent)).map((m) => m.author), PATIENT)
      .toEqual(['agent', 'customer']);

    // Undo and redo by keyboard on the agent's side (focus is on its tool bar).
    await agent.keyboard.press('Control+z');
    await expect
      .poll(async () => (await annotations(customer)).map((m) => m.author), PATIENT)
      .toEqual(['customer']);
    await agent.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await annotations(customer)).length, PATIENT).toBe(2);
    // The customer clears their own; then the agent clears everything.
    await tools(customer).getByRole('button', { name: 'Clear my marks (C)' }).click();
    await expect
      .poll(async () => (await annotations(agent)).map((m) => m.author), PATIENT)
      .toEqual(['agent']);
    await tools(agent).getByRole('button', { name: 'Clear all marks (Shift+C)' }).click();
    await expect.poll(async () => (await annotations(customer)).length, PATIENT).toBe(0);
    expect(await annotations(agent)).toEqual([]);

    // Bad operations straight onto the data channel: dropped with a code, nothing drawn, call up.
    const sendRaw = (page: Page, raws: string[]) =>
      page.evaluate((messages) => {
        const channel = (window as unknown as { __channels: RTCDataChannel[] }).__channels.find(
          (c) => c.label !== 'vs-unreliable' && c.readyState === 'open',
        )!;
        for (const m of messages) channel.send(m);
      }, raws);
    await sendRaw(agent, [
      JSON.stringify({
        type: 'annotate',
        op: 'add',
        mark: { id: 'x', tool: 'laser', color: '#ff0000', width: 0.01, points: [0, 0, 1, 1] },
      }),
      JSON.stringify({
        type: 'annotate',
        op: 'add',
        mark: { id: 'y', tool: 'arrow', color: '#ff0000', width: 0.01, points: [0, 0, 9, 9] },
      }),
      JSON.stringify({
        type: 'annotate',
        op: 'add',
        mark: {
          id: 'z',
          tool: 'pen',
          color: '#ff0000',
          width: 0.01,
          points: [0.5, 0.5],
          pad: 'x'.repeat(70_000),
        },
      }),
    ]);
    await expect
      .poll(() => errors.customer(), PATIENT)
      .toEqual(['ERR_PEER_MESSAGE_INVALID', 'ERR_PEER_MESSAGE_INVALID', 'ERR_FRAME_TOO_LARGE']);
    // The customer may not clear the agent's marks.
    await tools(agent).getByRole('button', { name: 'Arrow (A)' }).click();
    await drag(
      agent,
      await pagePoint(agent, 'remote', 0.5, 0.3),
      await pagePoint(agent, 'remote', 0.7, 0.4),
    );
    await expect.poll(async () => (await annotations(customer)).length, PATIENT).toBe(1);
    await sendRaw(customer, [JSON.stringify({ type: 'annotate', op: 'clear', scope: 'all' })]);
    await expect.poll(() => errors.agent(), PATIENT).toEqual(['ERR_PEER_MESSAGE_INVALID']);
    expect(await annotations(agent)).toHaveLength(1);
    expect(await customer.evaluate(() => document.querySelector('video-session')!.state)).toBe(
      'connected',
    );
    expect(
      await agent.evaluate(() => document.querySelector('video-session')!.roundTrip()),
    ).toBeLessThan(1000);
  });

  it('shows the agent’s pointer on the customer’s picture, once per frame, unreliably, and fades it', async () => {
    const { agent, customer } = await call();
    // The pointer is the agent's default tool; its channel is unordered with no retransmits.
    const channel = await agent.evaluate(() => {
      const c = (window as unknown as { __channels: RTCDataChannel[] }).__channels.find(
        (ch) => ch.label === 'vs-unreliable',
      )!;
      return { ordered: c.ordered, maxRetransmits: c.maxRetransmits, state: c.readyState };
    });
    expect(channel).toEqual({ ordered: false, maxRetransmits: 0, state: 'open' });
    // The first pointer puts the customer's own camera large; the next one is looked for there
    // (far from the first, whose ring could otherwise pass for it).
    await agent.mouse.move(...(await pagePoint(agent, 'remote', 0.3, 0.5)));
    await customer.waitForFunction(() =>
      document.querySelector('video-session')!.shadowRoot!.querySelector('video.local.main'),
    );
    const shown = await watchForPointer(customer, await pagePoint(customer, 'local', 0.52, 0.5), 2);
    await agent.mouse.move(...(await pagePoint(agent, 'remote', 0.52, 0.5)));
    await expect.poll(shown, PATIENT).toBe(true);

    // Fifty moves within one frame go out as one message, and it shows where the last one was
    // (its dot: the ring of the pointer before is farther away).
    const last = await pagePoint(customer, 'local', 0.5 + 49 / 640, 0.5);
    const shownLast = await watchForPointer(customer, last, 8);
    const sent = await agent.evaluate(async () => {
      const w = window as unknown as { __unreliableSends: number };
      const canvas = document
        .querySelector('video-session')!
        .shadowRoot!.querySelector('canvas.annotations')!;
      const box = canvas.getBoundingClientRect();
      await new Promise((r) => requestAnimationFrame(r));
      const before = w.__unreliableSends;
      for (let i = 0; i < 50; i++) {
        canvas.dispatchEvent(
          new PointerEvent('pointermove', {
            clientX: box.left + box.width / 2 + i,
            clientY: box.top + box.height / 2,
            bubbles: true,
          }),
        );
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return w.__unreliableSends - before;
    });
    expect(sent).toBe(1);

    await expect.poll(shownLast, PATIENT).toBe(true);
    // Left alone, it fades away.
    await expect
      .poll(async () => (await pixelsNear(customer, ...last, 30)).some(isYellow), PATIENT)
      .toBe(false);
  });

  it('reaches every tool by keyboard and lets focus move on', async () => {
    const { agent } = await call();
    const el = agent.locator('video-session');
    await el.getByRole('button', { name: 'Pen (D)' }).focus();
    for (const [key, name] of [
      ['a', 'Arrow (A)'],
      ['o', 'Circle (O)'],
      ['r', 'Rectangle (R)'],
      ['h', 'Highlighter (H)'],
      ['t', 'Text (T)'],
      ['d', 'Pen (D)'],
      ['p', 'Point (P)'],
    ] as const) {
      await agent.keyboard.press(key);
      await expect
        .poll(() => el.getByRole('button', { name, pressed: true }).count(), PATIENT)
        .toBe(1);
    }
    await agent.keyboard.press('k');
    const keep = el.getByRole('button', { name: 'Keep marks on the object (K)', pressed: true });
    await expect.poll(() => keep.count(), PATIENT).toBe(1);
    // The canvas is not in the tab order; tabbing walks the buttons and leaves the widget.
    expect(
      await agent.evaluate(
        () =>
          document.querySelector('video-session')!.shadowRoot!.querySelector('canvas')!.tabIndex,
      ),
    ).toBe(-1);
    let left = false;
    for (let i = 0; i < 40 && !left; i++) {
      await agent.keyboard.press('Tab');
      left = await agent.evaluate(
        () => document.activeElement !== document.querySelector('video-session'),
      );
    }
    expect(left).toBe(true);
  });
});
