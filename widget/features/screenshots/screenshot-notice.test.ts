/**
 * A screenshot of the customer's camera is not silent for them: they are told who took it and can
 * open it at once, whatever the width of the element (the gallery button may be in More).
 */
import { expect } from 'chai';
import { button, call, inMode, part, text, until } from '../../testing.js';

afterEach(() => {
  for (const el of document.querySelectorAll('video-session')) el.remove();
});

it('tells the customer the agent took a picture of their camera, and shows it on View', async () => {
  const { agent, customer } = await call();
  await Promise.all([agent.start(), customer.start()]);
  await Promise.all([inMode(agent, 'two-way'), inMode(customer, 'two-way')]);
  const still = await agent.takeScreenshot();
  await until(
    () => text(customer).includes('Alice took a picture of your camera.'),
    10_000,
    'the customer was not told',
  );
  expect(text(agent)).to.not.contain('took a picture');
  button(customer, 'View').click();
  await until(() => part(customer, 'gallery') !== null, 10_000, 'no gallery');
  await until(() => customer.screenshots.some((s) => s.id === still.id && s.blob !== null));
  await customer.updateComplete;
  expect(part(customer, 'gallery')!.querySelector('img'), 'no picture in the gallery').to.not.equal(
    null,
  );
});
