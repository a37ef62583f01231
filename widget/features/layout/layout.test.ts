import { sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
import { expect } from 'chai';
import { button, call, frames, inMode, part, until } from '../../testing.js';
import type { VideoSession } from '../../video-session.js';

afterEach(async () => {
  if (document.fullscreenElement) await document.exitFullscreen();
  if (document.pictureInPictureElement) await document.exitPictureInPicture();
  for (const el of document.querySelectorAll('video-session')) el.remove();
  localStorage.clear();
  await setViewport({ width: 800, height: 600 });
});

/** Clicks `target` with the real mouse (a user gesture, as fullscreen and PiP require). */
async function click(target: Element) {
  target.scrollIntoView({ block: 'center' });
  // Leaving fullscreen restores the page's scroll a frame later: measure after it settled.
  for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
  const r = target.getBoundingClientRect();
  await sendMouse({
    type: 'click',
    position: [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)],
  });
}

async function connected() {
  const { agent, customer } = await call();
  await Promise.all([agent.start(), customer.start()]);
  await Promise.all([inMode(agent, 'two-way'), inMode(customer, 'two-way')]);
  return { agent, customer };
}

const settingsButton = async (el: VideoSession, label: string) => {
  await el.updateComplete;
  if (!part(el, 'settings')) button(el, 'Settings').click();
  await until(() => {
    try {
      return button(el, label) !== null;
    } catch {
      return false;
    }
  });
  return button(el, label);
};

describe('layout: fullscreen, picture-in-picture, the minimised window', () => {
  it('goes fullscreen and shows the other person in picture-in-picture', async () => {
    const { customer } = await connected();
    const v = part(customer, 'remote-video') as HTMLVideoElement;
    await frames(v, 3); // picture-in-picture needs the video playing
    await click(await settingsButton(customer, 'Full screen'));
    await until(() => document.fullscreenElement === customer);
    await click(await settingsButton(customer, 'Exit full screen'));
    await until(() => document.fullscreenElement === null);

    await click(await settingsButton(customer, 'Picture in picture'));
    await until(() => customer.shadowRoot!.pictureInPictureElement === v);
    await click(await settingsButton(customer, 'Close picture in picture'));
    await until(() => customer.shadowRoot!.pictureInPictureElement === null);
  });

  it('minimises to a window that drags and keys around the page and stays in view', async () => {
    await setViewport({ width: 800, height: 600 });
    const { customer } = await connected();
    await click(await settingsButton(customer, 'Minimise'));
    await until(() => customer.hasAttribute('minimized'));
    await customer.updateComplete;
    expect(getComputedStyle(customer).position).to.equal('fixed');
    const start = customer.getBoundingClientRect();
    expect(start.width).to.equal(280); // whatever size the page gave the element
    expect(start.right).to.be.at.most(800);
    expect(start.bottom).to.be.at.most(600);

    // Drag by the handle with the real mouse.
    const handle = button(customer, 'Move the window (arrow keys)');
    const h = handle.getBoundingClientRect();
    const [x, y] = [Math.round(h.x + h.width / 2), Math.round(h.y + h.height / 2)];
    await sendMouse({ type: 'move', position: [x, y] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [x - 300, y - 200] });
    await sendMouse({ type: 'up' });
    const dragged = customer.getBoundingClientRect();
    expect(Math.round(start.x - dragged.x)).to.equal(300);
    expect(Math.round(start.y - dragged.y)).to.equal(200);

    // And by the keyboard.
    handle.focus();
    await sendKeys({ press: 'ArrowLeft' });
    expect(Math.round(dragged.x - customer.getBoundingClientRect().x)).to.equal(10);

    // A smaller window keeps it inside the viewport.
    await setViewport({ width: 420, height: 380 });
    await until(() => {
      const r = customer.getBoundingClientRect();
      return r.right <= 420 && r.bottom <= 380 && r.x >= 0 && r.y >= 0;
    });

    // Restoring brings the full controls back; the call went on throughout.
    button(customer, 'Restore').click();
    await customer.updateComplete;
    expect(customer.hasAttribute('minimized')).to.equal(false);
    expect(part(customer, 'toolbar')).to.not.equal(null);
    expect(customer.state).to.equal('connected');
  });
});
