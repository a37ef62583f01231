import { expect } from 'chai';
import { blockSize, cropRect, paintEdits, pixelate, pixelRect, type Edit } from './still-edits.js';
import { checker, hexRgb, png, positionColor, positionPng, rgb } from './test-images.js';

/** Paints `edits` over the PNG `blob` at its size and gives the pixels back. */
async function painted(blob: Blob, edits: Edit[]): Promise<ImageData> {
  const image = await createImageBitmap(blob);
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  paintEdits(ctx, image, image.width, image.height, edits);
  return ctx.getImageData(0, 0, image.width, image.height);
}

describe('still edits', () => {
  it('turns boxes into whole pixels: a mask covers every pixel it touches, a crop rounds', () => {
    expect(pixelRect([0.101, 0.2, 0.049, 0.5], 100, 10, true)).to.deep.equal({
      x: 4,
      y: 2,
      width: 7,
      height: 3,
    });
    expect(pixelRect([0.101, 0.2, 0.049, 0.5], 100, 10)).to.deep.equal({
      x: 5,
      y: 2,
      width: 5,
      height: 3,
    });
    expect(pixelRect([-1, -1, 2, 2], 100, 10)).to.deep.equal({
      x: 0,
      y: 0,
      width: 100,
      height: 10,
    });
  });

  it('keeps the last crop', () => {
    const edits: Edit[] = [
      { kind: 'crop', box: [0, 0, 0.5, 0.5] },
      { kind: 'mask', style: 'fill', color: '#000000', box: [0, 0, 1, 1] },
      { kind: 'crop', box: [0.1, 0.1, 0.3, 0.2] },
    ];
    expect(cropRect(edits, 1920, 1080)).to.deep.equal({ x: 192, y: 108, width: 384, height: 108 });
    expect(cropRect([], 1920, 1080)).to.deep.equal({ x: 0, y: 0, width: 1920, height: 1080 });
  });

  it('pixelates into uniform blocks of exact averages, with no sliver left as it was', () => {
    // 23 x 17 pixels of a one-pixel checkerboard with blocks of 8: 3 x 2 blocks of 7-8 x 8-9.
    const image = new ImageData(23, 17);
    for (let y = 0; y < 17; y++)
      for (let x = 0; x < 23; x++) {
        const v = (x + y) % 2 ? 255 : 0;
        image.data.set([v, v, v, 255], (y * 23 + x) * 4);
      }
    pixelate(image, 8);
    const values = new Set<number>();
    for (let y = 0; y < 17; y++)
      for (let x = 0; x < 23; x++) {
        const [r, g, b] = rgb(image, x, y);
        expect(r === g && g === b, `grey at ${x},${y}`).to.equal(true);
        // Never an original value: every block holds both colours in near-equal parts.
        expect(r, `${x},${y}`).to.be.within(100, 155);
        values.add(r);
      }
    expect(values.size).to.be.at.most(6);
    // Blocks: columns 0-7 | 8-14 | 15-22, rows 0-8 | 9-16 (even shares of 23 and 17).
    expect(rgb(image, 0, 0)).to.deep.equal(rgb(image, 7, 8));
    expect(rgb(image, 16, 9)).to.deep.equal(rgb(image, 22, 16));
  });

  it('sizes blocks after the still: about 1/64 of its longer side, at least 8 pixels', () => {
    expect(blockSize(1920, 1080)).to.equal(30);
    expect(blockSize(320, 240)).to.equal(8);
  });

  it('masks: a fill paints every pixel of the box, pixelation leaves no original pixel', async () => {
    const still = await png(200, 100, checker(1));
    const out = await painted(still, [
      { kind: 'mask', style: 'fill', color: '#ffcc00', box: [0.125, 0.25, 0.375, 0.75] },
      { kind: 'mask', style: 'pixelate', color: '#ffcc00', box: [0.5, 0.25, 0.875, 0.75] },
    ]);
    const fill = hexRgb('#ffcc00');
    for (let y = 0; y < 100; y++)
      for (let x = 0; x < 200; x++) {
        const px = rgb(out, x, y);
        const original = (x + y) % 2 ? 255 : 0;
        if (x >= 25 && x < 75 && y >= 25 && y < 75) expect(px, `${x},${y}`).to.deep.equal(fill);
        else if (x >= 100 && x < 175 && y >= 25 && y < 75)
          expect(px[0], `${x},${y}`).to.be.within(100, 155);
        else expect(px, `${x},${y}`).to.deep.equal([original, original, original]);
      }
  });

  it('paints marks in their colour at the still’s size, and a later mask hides them', async () => {
    const still = await positionPng(400, 300);
    const red = hexRgb('#ff3b30');
    const pen: Edit = {
      kind: 'mark',
      mark: { tool: 'pen', color: '#ff3b30', width: 0.02, points: [0.1, 0.5, 0.9, 0.5] },
    };
    const rect: Edit = {
      kind: 'mark',
      mark: { tool: 'rectangle', color: '#ff3b30', width: 0.02, points: [0.2, 0.2, 0.4, 0.8] },
    };
    let out = await painted(still, [pen, rect]);
    expect(rgb(out, 200, 150)).to.deep.equal(red); // on the pen's line
    expect(rgb(out, 80, 100)).to.deep.equal(red); // on the rectangle's left side
    expect(rgb(out, 120, 100)).to.deep.equal(positionColor(120, 100)); // inside it: untouched
    out = await painted(still, [
      pen,
      { kind: 'mask', style: 'fill', color: '#111111', box: [0, 0.4, 1, 0.6] },
    ]);
    expect(rgb(out, 200, 150)).to.deep.equal(hexRgb('#111111'));
  });
});
