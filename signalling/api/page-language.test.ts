import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errors } from '../../src/errors.js';
import { de } from '../../widget/locales/de.js';
import { startTestService, type TestService } from '../testing/service.js';
import { PAGE_LANGUAGES, PAGE_STRINGS, pageLanguage } from './page-language.js';

describe('the language of the service pages', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['de', 'de'],
    ['de-AT', 'de'],
    ['DE-de', 'de'],
    ['en-US,en;q=0.9,de;q=0.8', 'en'],
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['fr-FR,fr;q=0.9,de;q=0.7,en;q=0.5', 'de'],
    ['fr, en;q=0.2, de;q=0.5', 'de'],
    ['de;q=0, en;q=0.1', 'en'],
    ['de;q=0', 'en'],
    ['*', 'en'],
    ['es, it', 'en'],
    [`${'x-'.repeat(2000)}, de`, 'en'], // only the first KiB is read
  ] as const)('picks from Accept-Language %j: %s', (header, lang) => {
    expect(pageLanguage(header)).toBe(lang);
  });

  it('says what the widget and the error table say, in every language the widget speaks', () => {
    expect(PAGE_LANGUAGES).toEqual(['en', 'de']);
    for (const code of Object.keys(PAGE_STRINGS.en.errors) as Array<
      keyof typeof PAGE_STRINGS.en.errors
    >) {
      expect(PAGE_STRINGS.en.errors[code]).toBe(errors[code].message);
      expect(PAGE_STRINGS.de.errors[code]).toBe(de.errors[code]);
    }
  });
});

describe('the join page', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(() => svc.stop());

  const page = (acceptLanguage?: string) =>
    fetch(`${svc.url}/join/ses_abc`, {
      headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
    });

  it('speaks German to a browser that asks for it, and so does the widget on it', async () => {
    const res = await page('de-DE,de;q=0.9,en;q=0.8');
    expect(res.status).toBe(200);
    expect(res.headers.get('vary')).toContain('Accept-Language');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<title>Videohilfe</title>');
    expect(html).toMatch(/<video-session lang="de" /);
    expect(html).toContain('Dieser Link ist unvollständig.');
    expect(html).not.toContain('This link is incomplete');
  });

  it('speaks English otherwise', async () => {
    for (const header of [undefined, 'fr-CH, fr;q=0.9', 'en-GB']) {
      const res = await page(header);
      expect(res.headers.get('vary')).toContain('Accept-Language');
      const html = await res.text();
      expect(html, header).toContain('<html lang="en">');
      expect(html).toContain('<title>Video help</title>');
      expect(html).toMatch(/<video-session lang="en" /);
      expect(html).toContain('This link is incomplete.');
    }
  });

  it('answers a short link that leads nowhere in German too', async () => {
    const res = await fetch(`${svc.url}/j/AAAAAAAAAAAA`, {
      headers: { 'accept-language': 'de' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('vary')).toContain('Accept-Language');
    const html = await res.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain(
      'Dieser Link ist ungültig. Bitten Sie die Person, die ihn geschickt hat, um einen neuen.',
    );
  });
});
