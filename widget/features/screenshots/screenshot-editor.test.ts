import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import { expect } from 'chai';
import { COLORS } from '../drawing/types.js';
import type { VsScreenshotSaveEvent } from '../../events.js';
import { de } from '../../locales/de.js';
import { messages } from '../../messages.js';
import { axeViolations, loadAxe, until } from '../../testing.js';
import type { ScreenshotEditor } from './screenshot-editor.js';
import './screenshot-editor.js';
import {
  checker,
  decode,
  hexRgb,
  png,
  positionColor,
  positionOf,
  positionPng,
  rgb,
} from './test-images.js';

type Point = readonly [number, number];

before(loadAxe);

afterEach(async () => {
  await resetMouse();
  for (const el of document.querySelectorAll('video-session-screenshot-editor')) el.remove();
});

/** An editor on `src`, 800 x 520 CSS pixels, with its picture shown. */
async function open(src: Blob, t = messages): Promise<ScreenshotEditor> {
  const editor = document.createElement('video-session-screenshot-editor');
  editor.style.cssText = 'position: fixed; left: 0; top: 0; width: 800px; height: 520px';
  editor.t = t;
  editor.src = src;
  document.body.append(editor);
  await until(() => !!canvasOf(editor), 5000, 'the picture did not show');
  await editor.updateComplete;
  return editor;
}

const canvasOf = (editor: ScreenshotEditor) => editor.shadowRoot!.querySelector('canvas');
const buttonOf = (editor: ScreenshotEditor, selector: string) =>
  editor.shadowRoot!.querySelector<HTMLButtonElement>(selector)!;

/** Where the picture is shown: its box on the page and its scale (CSS px per still pixel). */
function shown(editor: ScreenshotEditor) {
  const canvas = canvasOf(editor)!;
  const box = canvas.getBoundingClientRect();
  const scale = Math.min(box.width / canvas.width, box.height / canvas.height);
  const left = box.left + (box.width - canvas.width * scale) / 2,
    top = box.top + (box.height - canvas.height * scale) / 2;
  return { left, top, scale };
}

/** The page point (whole CSS pixels, as a mouse gives) over pixel `(x, y)` of what is shown. */
function pagePoint(editor: ScreenshotEditor, x: number, y: number): Point {
  const s = shown(editor);
  return [Math.round(s.left + (x + 0.5) * s.scale), Math.round(s.top + (y + 0.5) * s.scale)];
}

/** The pixel of what is shown under page point `p` (the editor's own mapping, done by hand). */
function pixelUnder(editor: ScreenshotEditor, p: Point): Point {
  const s = shown(editor);
  return [Math.floor((p[0] - s.left) / s.scale), Math.floor((p[1] - s.top) / s.scale)];
}

/** Drags the mouse from pixel `from` to pixel `to` of what is shown; gives the pixels it hit. */
async function drag(editor: ScreenshotEditor, from: Point, to: Point): Promise<[Point, Point]> {
  const a = pagePoint(editor, ...from),
    b = pagePoint(editor, ...to);
  const hit: [Point, Point] = [pixelUnder(editor, a), pixelUnder(editor, b)];
  await sendMouse({ type: 'move', position: [a[0], a[1]] });
  await sendMouse({ type: 'down' });
  for (let i = 1; i <= 4; i++) {
    const x = Math.round(a[0] + ((b[0] - a[0]) * i) / 4),
      y = Math.round(a[1] + ((b[1] - a[1]) * i) / 4);
    await sendMouse({ type: 'move', position: [x, y] });
  }
  await sendMouse({ type: 'up' });
  await editor.updateComplete;
  return hit;
}

async function pick(editor: ScreenshotEditor, tool: string): Promise<void> {
  buttonOf(editor, `[data-tool="${tool}"]`).click();
  await editor.updateComplete;
}

/** Clicks Save; resolves with the event. */
async function save(editor: ScreenshotEditor): Promise<VsScreenshotSaveEvent> {
  const saved = new Promise<VsScreenshotSaveEvent>((resolve) =>
    editor.addEventListener('vs-screenshot-save', resolve, { once: true }),
  );
  buttonOf(editor, '.save').click();
  return saved;
}

/** Asserts `a` is within `by` of `b`, element by element. */
function near(a: readonly number[], b: readonly number[], by: number): void {
  const ok = a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= by);
  expect(ok, `${a.join(',')} is not within ${by} of ${b.join(',')}`).to.equal(true);
}

describe('<video-session-screenshot-editor>', () => {
  it('saves the untouched still as the very same Blob', async () => {
    const src = await positionPng(320, 240);
    const editor = await open(src);
    const event = await save(editor);
    expect(event.edited).to.equal(false);
    expect(event.blob).to.equal(src);
    expect(event.bubbles && event.composed).to.equal(true);
  });

  it('edits a 1920x1080 still at its own size while showing it scaled down; a rectangle is in the chosen colour', async () => {
    const editor = await open(await positionPng(1920, 1080));
    const canvas = canvasOf(editor)!;
    expect([canvas.width, canvas.height]).to.deep.equal([1920, 1080]);
    expect(canvas.getBoundingClientRect().width).to.be.below(800);
    await pick(editor, 'rectangle');
    buttonOf(editor, `[data-color="${COLORS[2]}"]`).click(); // green
    const [a, b] = await drag(editor, [400, 300], [1400, 800]);
    const event = await save(editor);
    expect(event.edited).to.equal(true);
    expect(event.blob.type).to.equal('image/png');
    const out = await decode(event.blob);
    expect([out.width, out.height]).to.deep.equal([1920, 1080]);
    const green = hexRgb(COLORS[2]);
    const midX = Math.round((a[0] + b[0]) / 2),
      midY = Math.round((a[1] + b[1]) / 2);
    // The sides, where the mouse went down and up (the medium line is ~9 px wide here).
    expect(rgb(out, midX, a[1])).to.deep.equal(green);
    expect(rgb(out, midX, b[1])).to.deep.equal(green);
    expect(rgb(out, a[0], midY)).to.deep.equal(green);
    expect(rgb(out, b[0], midY)).to.deep.equal(green);
    // Inside and outside: the still as it was.
    expect(rgb(out, midX, midY)).to.deep.equal(positionColor(midX, midY));
    expect(rgb(out, 100, 100)).to.deep.equal(positionColor(100, 100));
  });

  it('draws with the pen in the colour picked by key, thicker by key', async () => {
    const editor = await open(await positionPng(640, 480));
    buttonOf(editor, '[data-tool="pen"]').focus();
    await sendKeys({ press: 'd' });
    await sendKeys({ press: '4' }); // blue
    await sendKeys({ press: ']' });
    await editor.updateComplete;
    expect(buttonOf(editor, `[data-color="${COLORS[3]}"]`).getAttribute('aria-pressed')).to.equal(
      'true',
    );
    const [a, b] = await drag(editor, [100, 240], [540, 240]);
    const out = await decode((await save(editor)).blob);
    const blue = hexRgb(COLORS[3]);
    for (const x of [150, 320, 500]) expect(rgb(out, x, a[1]), `x ${x}`).to.deep.equal(blue);
    expect(rgb(out, 320, a[1] + 40)).to.deep.equal(positionColor(320, a[1] + 40));
    expect(b[1]).to.equal(a[1]);
  });

  it('covers an area with one colour: every pixel under the mask, none outside', async () => {
    const original = await png(640, 480, checker(4));
    const editor = await open(original);
    await sendKeys({ press: 'Tab' }); // into the editor
    buttonOf(editor, '[data-tool="fill"]').focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: '2' }); // yellow
    const [a, b] = await drag(editor, [100, 80], [300, 260]);
    const out = await decode((await save(editor)).blob);
    const before = await decode(original);
    const yellow = hexRgb(COLORS[1]);
    let changed = 0;
    for (let y = 0; y < 480; y++)
      for (let x = 0; x < 640; x++) {
        const inside = x >= a[0] && x <= b[0] && y >= a[1] && y <= b[1];
        const edge = x >= a[0] - 2 && x <= b[0] + 2 && y >= a[1] - 2 && y <= b[1] + 2;
        const px = rgb(out, x, y);
        if (inside) expect(px, `${x},${y}`).to.deep.equal(yellow);
        else if (!edge) expect(px, `${x},${y}`).to.deep.equal(rgb(before, x, y));
        if (px.join() !== rgb(before, x, y).join()) changed++;
      }
    expect(changed).to.be.above(150 * 150);
  });

  it('pixelates an area: the checkerboard under it becomes uniform grey blocks, the rest stays', async () => {
    const original = await png(640, 480, checker(1));
    const editor = await open(original);
    await sendKeys({ press: 'm' }); // focus is on the page: the key reaches no editor
    expect(buttonOf(editor, '[data-tool="pixelate"]').getAttribute('aria-pressed')).to.equal(
      'false',
    );
    await pick(editor, 'pixelate');
    const [a, b] = await drag(editor, [200, 100], [440, 380]);
    const out = await decode((await save(editor)).blob);
    const greys = new Set<string>();
    for (let y = a[1]; y <= b[1]; y++)
      for (let x = a[0]; x <= b[0]; x++) {
        const [r, g, bl] = rgb(out, x, y);
        // A one-pixel checkerboard is only 0 and 255: any original pixel left would show.
        expect(r === g && g === bl && r > 90 && r < 165, `${x},${y}: ${r},${g},${bl}`).to.equal(
          true,
        );
        greys.add(`${r}`);
      }
    // Uniform blocks of ~10 px: a handful of greys, not a pattern.
    expect(greys.size).to.be.at.most(12);
    for (const [x, y] of [
      [a[0] - 3, a[1] - 3],
      [b[0] + 3, b[1] + 3],
      [20, 20],
      [600, 450],
    ] as const) {
      const v = (x + y) % 2 ? 255 : 0;
      expect(rgb(out, x, y), `${x},${y}`).to.deep.equal([v, v, v]);
    }
  });

  it('crops to the dragged area, and a second crop crops the crop', async () => {
    const editor = await open(await positionPng(1920, 1080));
    await pick(editor, 'crop');
    const [a, b] = await drag(editor, [480, 270], [1440, 810]);
    const canvas = canvasOf(editor)!;
    near([canvas.width, canvas.height], [b[0] - a[0], b[1] - a[1]], 4);
    let out = await decode((await save(editor)).blob);
    expect([out.width, out.height]).to.deep.equal([canvas.width, canvas.height]);
    // The saved pixels are the still's pixels from the crop's corner on.
    const [ox, oy] = positionOf(...rgb(out, 0, 0));
    near([ox, oy], a, 3);
    for (const [x, y] of [
      [out.width - 1, out.height - 1],
      [123, 45],
    ] as const)
      expect(rgb(out, x, y)).to.deep.equal(positionColor(ox + x, oy + y));

    const [c, d] = await drag(editor, [100, 100], [300, 200]); // pixels of the crop shown now
    out = await decode((await save(editor)).blob);
    near([out.width, out.height], [d[0] - c[0], d[1] - c[1]], 4);
    near(positionOf(...rgb(out, 0, 0)), [ox + c[0], oy + c[1]], 3);
  });

  it('undoes and redoes with the buttons and the keys; all undone saves the original Blob', async () => {
    const src = await positionPng(640, 480);
    const editor = await open(src);
    const undo = buttonOf(editor, '[data-action="undo"]'),
      redo = buttonOf(editor, '[data-action="redo"]');
    expect(undo.disabled && redo.disabled).to.equal(true);
    await pick(editor, 'fill');
    await drag(editor, [10, 10], [200, 200]);
    await pick(editor, 'crop');
    await drag(editor, [0, 0], [320, 240]);
    expect(canvasOf(editor)!.width).to.be.within(318, 322);

    buttonOf(editor, '[data-tool="pen"]').focus(); // a button that stays enabled
    await sendKeys({ press: 'Control+z' }); // the crop goes
    await editor.updateComplete;
    expect(canvasOf(editor)!.width).to.equal(640);
    let out = await decode((await save(editor)).blob);
    expect([out.width, rgb(out, 100, 100).join()]).to.deep.equal([640, hexRgb(COLORS[0]).join()]);

    await sendKeys({ press: 'Control+z' }); // the mask goes
    await editor.updateComplete;
    let event = await save(editor);
    expect([event.edited, event.blob === src]).to.deep.equal([false, true]);

    await sendKeys({ press: 'Control+Shift+z' }); // the mask is back
    await sendKeys({ press: 'Control+y' }); // and the crop
    await editor.updateComplete;
    out = await decode((await save(editor)).blob);
    expect(out.width).to.be.within(318, 322);
    expect(rgb(out, 100, 100)).to.deep.equal(hexRgb(COLORS[0]));

    undo.click();
    await editor.updateComplete;
    undo.click();
    await editor.updateComplete;
    expect(undo.disabled && !redo.disabled).to.equal(true);
    event = await save(editor);
    expect([event.edited, event.blob === src]).to.deep.equal([false, true]);
  });

  it('places text where clicked, typed and entered', async () => {
    const editor = await open(await png(640, 480, () => [255, 255, 255]));
    await sendKeys({ press: 'Tab' });
    await pick(editor, 'text');
    await sendKeys({ press: '6' }); // black
    await sendKeys({ press: ']' }); // thick: large letters
    const at = pagePoint(editor, 200, 200);
    await sendMouse({ type: 'click', position: [at[0], at[1]] });
    await editor.updateComplete;
    const input = editor.shadowRoot!.querySelector('input')!;
    expect(editor.shadowRoot!.activeElement === input, 'the text field has the focus').to.equal(
      true,
    );
    await sendKeys({ type: 'Hello' });
    await sendKeys({ press: 'Enter' });
    await editor.updateComplete;
    expect(editor.shadowRoot!.querySelector('input') === null, 'the field went').to.equal(true);
    const out = await decode((await save(editor)).blob);
    let dark = 0;
    for (let y = 195; y < 260; y++)
      for (let x = 195; x < 400; x++) if (rgb(out, x, y)[0] < 40) dark++;
    expect(dark).to.be.above(200);
    expect(rgb(out, 150, 150)).to.deep.equal([255, 255, 255]);
  });

  it('fires vs-screenshot-discard on Discard', async () => {
    const editor = await open(await positionPng(64, 48));
    const discarded = new Promise<Event>((resolve) =>
      editor.addEventListener('vs-screenshot-discard', resolve, { once: true }),
    );
    buttonOf(editor, '.discard').click();
    const event = await discarded;
    expect(event.bubbles && event.composed).to.equal(true);
  });

  it('says a Blob that is no picture cannot be opened, and offers only Discard', async () => {
    const editor = document.createElement('video-session-screenshot-editor');
    editor.src = new Blob(['not a picture'], { type: 'image/png' });
    document.body.append(editor);
    await until(() => !!editor.shadowRoot?.querySelector('[role="alert"]'), 5000);
    expect(editor.shadowRoot!.querySelector('[role="alert"]')!.textContent!.trim()).to.equal(
      messages.errors.ERR_STILL_INVALID,
    );
    expect(buttonOf(editor, '.save').disabled).to.equal(true);
    expect(buttonOf(editor, '.discard').disabled).to.equal(false);
  });

  it('is reachable by keyboard, labelled, and axe-clean in English and German', async () => {
    const editor = await open(await positionPng(320, 240));
    editor.focus();
    const focused = () => editor.shadowRoot!.activeElement as HTMLElement | null;
    expect(focused()?.dataset['tool']).to.equal('pen');
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const el = focused();
      if (el) seen.push(el.getAttribute('aria-label') ?? el.textContent!.trim());
      await sendKeys({ press: 'Tab' });
    }
    for (const label of [
      messages.tools.text,
      messages.stillEditor.crop,
      messages.stillEditor.pixelate,
      messages.stillEditor.fill,
      messages.stillEditor.save,
    ])
      expect(seen).to.include(label);
    buttonOf(editor, '[data-tool="crop"]').focus();
    await sendKeys({ press: 'Space' });
    await editor.updateComplete;
    expect(buttonOf(editor, '[data-tool="crop"]').getAttribute('aria-pressed')).to.equal('true');
    await sendKeys({ press: 'm' });
    await editor.updateComplete;
    expect(buttonOf(editor, '[data-tool="pixelate"]').getAttribute('aria-pressed')).to.equal(
      'true',
    );
    expect(await axeViolations(editor)).to.deep.equal([]);

    editor.t = de;
    await editor.updateComplete;
    expect(buttonOf(editor, '.save').textContent!.trim()).to.equal(de.stillEditor.save);
    expect(buttonOf(editor, '[data-tool="fill"]').getAttribute('aria-label')).to.equal(
      de.stillEditor.fill,
    );
    expect(canvasOf(editor)!.getAttribute('aria-label')).to.equal(de.stillEditor.picture(320, 240));
    expect(await axeViolations(editor)).to.deep.equal([]);
  });
});
