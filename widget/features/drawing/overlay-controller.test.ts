import { resetMouse, sendMouse } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { BoardMark } from '../../../src/annotation-board.js';
import type { AnnotateMessage, PointerMessage } from '../../../src/annotation-ops.js';
import type { ErrorCode } from '../../../src/errors.js';
import type { Role } from '../../../src/protocol.js';
import { MessageRouter } from '../../core/router.js';
import { until } from '../../testing.js';
import { channel } from '../testing-features.js';
import { mountHost, removeHosts } from '../../core/testing-host.js';
import { OverlayController } from './overlay-controller.js';
import { COLORS, WIDTHS } from './types.js';

/** What a test put in the page and must stop: the stage, the picture's paint loop. */
const cleanups: (() => void)[] = [];

afterEach(async () => {
  removeHosts();
  for (const cleanup of cleanups.splice(0)) cleanup();
  await resetMouse();
});

/**
 * The stage: a 480 x 300 box at the page's top left with a `<video>` of a 320 x 240 picture (a
 * canvas' `captureStream()`) shown `contain`ed, so the picture is 400 x 300 CSS px with 40 px bars
 * left and right, and the annotation canvas over the whole box.
 */
async function stage() {
  const picture = document.createElement('canvas');
  picture.width = 320;
  picture.height = 240;
  const ctx = picture.getContext('2d')!;
  let frame = 0;
  const paint = () => {
    ctx.fillStyle = frame++ % 2 ? '#336699' : '#3366aa';
    ctx.fillRect(0, 0, 320, 240);
  };
  paint();
  const timer = setInterval(paint, 50);
  const box = document.createElement('div');
  box.style.cssText = 'position:fixed;left:0;top:0;width:480px;height:300px;z-index:10;';
  const video = document.createElement('video');
  video.muted = true;
  video.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;object-fit:contain;';
  const canvas = document.createElement('canvas');
  canvas.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;touch-action:none;';
  box.append(video, canvas);
  document.body.append(box);
  cleanups.push(() => {
    clearInterval(timer);
    box.remove();
  });
  video.srcObject = picture.captureStream();
  await video.play();
  await until(() => video.videoWidth === 320, 5000, 'the picture has no size');
  return { video, canvas };
}

/** Page px of the picture's point `(x, y)` (frame coordinates). */
const px = (x: number, y: number): [number, number] => [40 + x * 400, y * 300];

interface Side {
  overlay: OverlayController;
  sent: AnnotateMessage[];
  pointers: PointerMessage[];
  marks: BoardMark[][];
  errors: ErrorCode[];
}

/**
 * The agent's overlay on the stage and the customer's (not attached), wired: what the agent's
 * sends (`onSend`, `onPointer`) reaches the customer's over an in-page channel, and back.
 */
async function pair() {
  const { video, canvas } = await stage();
  const routers = { agent: new MessageRouter(), customer: new MessageRouter() };
  const ends = channel(routers);
  const side = (role: Role): Side => {
    const s = { sent: [], pointers: [], marks: [], errors: [] } as unknown as Side;
    s.overlay = new OverlayController(mountHost(), {
      onSend: (message) => {
        s.sent.push(message);
        ends[role].send(message);
      },
      onPointer: (message) => {
        s.pointers.push(message);
        ends[role].send(message);
      },
      frameRef: () => null,
      onMarksChanged: (marks) => s.marks.push(marks),
      onError: (code) => s.errors.push(code),
    });
    routers[role].register(['annotate', 'pointer'], (message, from) =>
      message.type === 'annotate'
        ? s.overlay.handleAnnotate(message, from.role)
        : s.overlay.handlePointer(message, from.role),
    );
    s.overlay.begin(role);
    return s;
  };
  const agent = side('agent');
  const customer = side('customer');
  agent.overlay.attach(video, canvas);
  return { agent, customer, canvas };
}

/** Draws from `from` through `to` with the real mouse (frame coordinates). */
async function drag(points: [number, number][]) {
  const [first, ...rest] = points;
  await sendMouse({ type: 'move', position: px(...first!) });
  await sendMouse({ type: 'down' });
  for (const p of rest) await sendMouse({ type: 'move', position: px(...p) });
  await sendMouse({ type: 'up' });
}

const key = (k: string, init: KeyboardEventInit = {}) =>
  new KeyboardEvent('keydown', { key: k, cancelable: true, ...init });

const adds = (s: Side) =>
  s.sent.filter((m): m is Extract<AnnotateMessage, { op: 'add' }> => m.op === 'add');

describe('OverlayController', () => {
  it('sends a stroke drawn with the mouse as a mark on the picture, which the other side shows', async () => {
    const { agent, customer } = await pair();
    expect(agent.overlay.tool, 'the agent starts with the pointer').to.equal('pointer');
    agent.overlay.setTool('pen');
    await drag([
      [0.25, 0.5],
      [0.4, 0.5],
      [0.55, 0.6],
    ]);
    await until(() => adds(agent).length === 1, 5000, 'no mark sent');
    const { mark } = adds(agent)[0]!;
    expect(mark).to.include({ tool: 'pen', color: COLORS[0], width: WIDTHS[1] });
    expect(mark.anchor).to.equal(undefined);
    // Where the mouse went, on the picture (not on the bars), in frame coordinates.
    const [x0, y0] = [mark.points[0]!, mark.points[1]!];
    const [x1, y1] = [mark.points.at(-2)!, mark.points.at(-1)!];
    expect(x0).to.be.closeTo(0.25, 0.01);
    expect(y0).to.be.closeTo(0.5, 0.01);
    expect(x1).to.be.closeTo(0.55, 0.01);
    expect(y1).to.be.closeTo(0.6, 0.01);
    expect(agent.overlay.hasMarks).to.equal(true);
    expect(agent.overlay.canUndo).to.equal(true);

    await until(() => customer.overlay.annotations().length === 1, 5000, 'not shown there');
    const shown = customer.overlay.annotations()[0]!;
    expect(shown).to.include({ id: mark.id, author: 'agent', tool: 'pen', anchored: false });
    expect(shown.points).to.deep.equal(mark.points);
    // On the agent's stage the mark is drawn where it was drawn.
    const drawn = agent.overlay.annotations()[0]!.drawn;
    expect(drawn[0]).to.be.closeTo(px(0.25, 0.5)[0], 4);
    expect(drawn[1]).to.be.closeTo(px(0.25, 0.5)[1], 4);
    expect(customer.marks.at(-1)!.map((m) => m.author)).to.deep.equal(['agent']);
    expect(agent.errors).to.deep.equal([]);
    expect(customer.errors).to.deep.equal([]);
  });

  it('undoes, redoes and clears on both sides', async () => {
    const { agent, customer } = await pair();
    agent.overlay.setTool('rectangle');
    await drag([
      [0.1, 0.1],
      [0.3, 0.4],
    ]);
    // A click is a slip, not a rectangle: nothing goes out.
    await drag([[0.5, 0.5]]);
    await until(() => customer.overlay.annotations().length === 1, 5000, 'not shown there');
    expect(adds(agent)).to.have.length(1);
    const { id } = adds(agent)[0]!.mark;
    expect(adds(agent)[0]!.mark.points).to.have.length(4);

    agent.overlay.undo();
    expect(agent.sent.at(-1)).to.deep.equal({ type: 'annotate', op: 'remove', id });
    expect([agent.overlay.canUndo, agent.overlay.canRedo]).to.deep.equal([false, true]);
    await until(() => customer.overlay.annotations().length === 0, 5000, 'still shown there');

    agent.overlay.redo();
    expect(agent.sent.at(-1)).to.include({ op: 'add' });
    await until(() => customer.overlay.annotations()[0]?.id === id, 5000, 'not back there');

    agent.overlay.clear('own');
    expect(agent.sent.at(-1)).to.deep.equal({ type: 'annotate', op: 'clear', scope: 'own' });
    expect(agent.overlay.hasMarks).to.equal(false);
    await until(() => customer.overlay.annotations().length === 0, 5000, 'not cleared there');

    // The customer may not clear the agent's marks.
    customer.overlay.clear('all');
    expect(customer.sent).to.deep.equal([]);
  });

  it('sends the pointer where the mouse is over the picture, and null when it leaves', async () => {
    const { agent } = await pair();
    await sendMouse({ type: 'move', position: px(0.5, 0.5) });
    await until(() => agent.pointers.length > 0, 5000, 'no pointer sent');
    const at = agent.pointers.at(-1)!.at!;
    expect(at[0]).to.be.closeTo(0.5, 0.01);
    expect(at[1]).to.be.closeTo(0.5, 0.01);
    // Over a bar beside the picture: not on it.
    await sendMouse({ type: 'move', position: [20, 150] });
    await until(() => agent.pointers.at(-1)!.at === null, 5000, 'the pointer stayed');
    await sendMouse({ type: 'move', position: px(0.75, 0.25) });
    await until(() => agent.pointers.at(-1)!.at !== null, 5000, 'no pointer back');
    await sendMouse({ type: 'move', position: [700, 500] });
    await until(() => agent.pointers.at(-1)!.at === null, 5000, 'the pointer stayed outside');
    expect(agent.sent, 'the pointer is no mark').to.deep.equal([]);
  });

  it('runs the keyboard shortcuts: tool keys, Escape, colours, widths, undo and redo', async () => {
    const { agent, customer } = await pair();
    const o = agent.overlay;
    expect(o.handleKeydown(key('r'))).to.equal(true);
    expect(o.tool).to.equal('rectangle');
    expect(o.handleKeydown(key('D'))).to.equal(true);
    expect(o.tool).to.equal('pen');
    expect(o.handleKeydown(key('Escape'))).to.equal(true);
    expect(o.tool).to.equal(null);
    expect(o.handleKeydown(key('Escape')), 'nothing to put down').to.equal(false);
    expect(o.handleKeydown(key('3'))).to.equal(true);
    expect(o.color).to.equal(COLORS[2]);
    expect(o.handleKeydown(key(']'))).to.equal(true);
    expect(o.width).to.equal(WIDTHS[2]);
    o.handleKeydown(key('['));
    o.handleKeydown(key('['));
    o.handleKeydown(key('['));
    expect(o.width).to.equal(WIDTHS[0]);
    expect(o.handleKeydown(key('k'))).to.equal(true);
    expect(o.anchored).to.equal(true);
    expect(o.handleKeydown(key('x'))).to.equal(false);
    expect(o.handleKeydown(key('r', { altKey: true }))).to.equal(false);

    o.handleKeydown(key('k'));
    o.handleKeydown(key('a'));
    await drag([
      [0.2, 0.2],
      [0.6, 0.7],
    ]);
    await until(() => adds(agent).length === 1, 5000, 'no arrow sent');
    expect(adds(agent)[0]!.mark).to.include({ tool: 'arrow', color: COLORS[2], width: WIDTHS[0] });
    expect(o.handleKeydown(key('z', { ctrlKey: true }))).to.equal(true);
    expect(agent.sent.at(-1)).to.include({ op: 'remove' });
    expect(o.handleKeydown(key('Z', { ctrlKey: true, shiftKey: true }))).to.equal(true);
    expect(agent.sent.at(-1)).to.include({ op: 'add' });
    expect(o.handleKeydown(key('y', { metaKey: true }))).to.equal(true);
    expect(agent.sent).to.have.length(3);

    // Typed into a text field, a key is text.
    const input = document.createElement('input');
    document.body.append(input);
    cleanups.push(() => input.remove());
    let handled: boolean | null = null;
    input.addEventListener('keydown', (e) => (handled = o.handleKeydown(e)));
    input.dispatchEvent(key('r'));
    expect(handled).to.equal(false);
    expect(o.tool).to.equal('arrow');

    // The pointer is the agent's.
    customer.overlay.handleKeydown(key('p'));
    expect(customer.overlay.tool).to.equal(null);
    // Before a call, no key is a shortcut.
    customer.overlay.end();
    expect(customer.overlay.handleKeydown(key('d'))).to.equal(false);
  });
});
