import { expect } from 'chai';
import type { VideoSessionError } from '../../src/errors.js';
import { chunkError, EARLY_LIMIT, Lazy } from './lazy.js';

/** A feature that records what it was handed. */
const built = () => ({ got: [] as number[] });

describe('Lazy', () => {
  it('loads once, keeps what arrives meanwhile and hands it over in order', async () => {
    let imports = 0;
    let release!: (m: { n: number }) => void;
    const lazy = new Lazy<{ n: number }, { got: number[] }, number>({
      name: 'test feature',
      import: () => {
        imports++;
        return new Promise((resolve) => (release = resolve));
      },
      build: built,
      deliver: (feature, item) => feature.got.push(item),
      onFailed: () => expect.fail('it loads'),
    });
    lazy.handle(1);
    lazy.handle(2);
    const a = lazy.load();
    const b = lazy.load();
    expect(lazy.value).to.equal(null);
    release({ n: 1 });
    const [fa, fb] = await Promise.all([a, b]);
    expect(fa).to.equal(fb);
    expect(imports).to.equal(1);
    lazy.handle(3); // loaded: handed over at once
    expect(fa.got).to.deep.equal([1, 2, 3]);
  });

  it(`keeps at most ${EARLY_LIMIT} items while loading, and drops what is forgotten`, async () => {
    let release!: (m: object) => void;
    const lazy = new Lazy<object, { got: number[] }, number>({
      name: 'test feature',
      import: () => new Promise((resolve) => (release = resolve)),
      build: built,
      deliver: (feature, item) => feature.got.push(item),
      onFailed: () => expect.fail('it loads'),
    });
    for (let i = 0; i < EARLY_LIMIT + 50; i++) lazy.handle(i);
    release({});
    const feature = await lazy.load();
    expect(feature.got.length).to.equal(EARLY_LIMIT);
    expect(feature.got[0]).to.equal(0);
  });

  it('reports a chunk that does not arrive with ERR_CHUNK_LOAD naming its URL, and tries again later', async () => {
    const failures: { error: VideoSessionError; waited: number[] }[] = [];
    let url = `${location.origin}/no-such-chunk-${Date.now()}.js`;
    const lazy = new Lazy<unknown, boolean, number>({
      name: 'test feature',
      import: () => import(/* @vite-ignore */ url),
      build: () => true,
      deliver: () => undefined,
      onFailed: (error, waited) => failures.push({ error, waited }),
    });
    lazy.handle(7);
    const error = await lazy.load().then(
      () => expect.fail('a missing chunk does not load'),
      (err: VideoSessionError) => err,
    );
    expect(error.code).to.equal('ERR_CHUNK_LOAD');
    expect(error.message).to.contain(url);
    expect(failures.map((f) => f.waited)).to.deep.equal([[7]]);
    // The next need tries again (a flaky network, a deploy in between).
    url = 'data:text/javascript,export default 1';
    expect(await lazy.load()).to.equal(true);
  });

  it('names the feature when the browser names no URL', () => {
    const error = chunkError(new TypeError('Load failed'), 'drawing tools');
    expect(error.code).to.equal('ERR_CHUNK_LOAD');
    expect(error.message).to.equal("The widget's drawing tools could not be loaded.");
  });
});
