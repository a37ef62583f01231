import { expect } from 'chai';
import { mountHost, removeHosts, type TestHost } from '../../core/testing-host.js';
import { LayoutController } from './layout-controller.js';

afterEach(removeHosts);

/** Distance kept from the viewport's edges (`MARGIN`). */
const MARGIN = 8;

/** A host shown as the minimised window: 200 x 120 px, placed by the two custom properties. */
function minimised(): { el: TestHost; layout: LayoutController } {
  const el = mountHost();
  el.setAttribute('minimized', '');
  el.style.cssText =
    'position:fixed;display:block;width:200px;height:120px;' +
    'left:var(--vs-minimized-x);top:var(--vs-minimized-y);';
  const layout = new LayoutController(el, { video: () => null });
  return { el, layout };
}

/** Where the window is, by its custom properties and as laid out. */
function where(el: TestHost) {
  const box = el.getBoundingClientRect();
  return {
    x: parseFloat(el.style.getPropertyValue('--vs-minimized-x')),
    y: parseFloat(el.style.getPropertyValue('--vs-minimized-y')),
    left: box.left,
    top: box.top,
  };
}

/** Presses `key` on the window's handle; whether the controller used it up. */
function press(layout: LayoutController, key: string, shiftKey = false): boolean {
  const event = new KeyboardEvent('keydown', { key, shiftKey, cancelable: true });
  layout.nudge(event);
  return event.defaultPrevented;
}

describe('LayoutController', () => {
  it('places the minimised window bottom right, moves it with the arrow keys, and keeps it in view', () => {
    const { el, layout } = minimised();
    layout.place();
    const start = where(el);
    expect(start.x).to.equal(window.innerWidth - 200 - 2 * MARGIN);
    expect(start.y).to.equal(window.innerHeight - 120 - 2 * MARGIN);
    expect([start.left, start.top], 'the styles follow the properties').to.deep.equal([
      start.x,
      start.y,
    ]);

    expect(press(layout, 'ArrowLeft')).to.equal(true);
    expect(where(el).x).to.equal(start.x - 10);
    expect(press(layout, 'ArrowUp', true)).to.equal(true);
    expect(where(el).y).to.equal(start.y - 50);
    expect(press(layout, 'ArrowRight')).to.equal(true);
    expect(press(layout, 'ArrowDown')).to.equal(true);
    expect(where(el)).to.include({ x: start.x, y: start.y - 40 });

    // Not an arrow: not used.
    expect(press(layout, 'Enter')).to.equal(false);
    expect(press(layout, 'a')).to.equal(false);
    expect(where(el)).to.include({ x: start.x, y: start.y - 40 });

    // However far it is pushed, it stays MARGIN px inside the viewport.
    for (let i = 0; i < 100; i++) press(layout, 'ArrowRight', true);
    for (let i = 0; i < 100; i++) press(layout, 'ArrowDown', true);
    const corner = where(el);
    expect(corner.x).to.equal(window.innerWidth - 200 - MARGIN);
    expect(corner.y).to.equal(window.innerHeight - 120 - MARGIN);
    for (let i = 0; i < 100; i++) press(layout, 'ArrowLeft', true);
    for (let i = 0; i < 100; i++) press(layout, 'ArrowUp', true);
    expect(where(el)).to.deep.equal({ x: MARGIN, y: MARGIN, left: MARGIN, top: MARGIN });
  });

  it('keeps its place when placed again', () => {
    const { el, layout } = minimised();
    layout.place();
    press(layout, 'ArrowLeft', true);
    const moved = where(el);
    layout.place();
    expect(where(el)).to.deep.equal(moved);
  });
});
