/**
 * The localisation layer: one table of strings per language (`messages.ts` is English and the
 * reference type; `locales/de.ts` is German), picked by the element's `lang`, the nearest
 * ancestor's, the page's, or the browser's language, in that order. Other languages than English
 * are separate chunks, loaded the first time a page asks for them; until then English shows.
 */
import { messages, type Messages } from './messages.js';

const tables: Record<string, Messages> = { en: messages };
const loaders: Readonly<Record<string, () => Promise<Messages>>> = {
  de: () => import('./locales/de.js').then((m) => m.de),
};
const loading = new Map<string, Promise<void>>();

/**
 * The table for a BCP 47 language tag (`de`, `de-AT`...); English when there is none. When the
 * language exists but is not loaded yet, this starts loading it, answers English for now, and
 * calls `onLoaded` once it is there (to render again).
 */
export function messagesFor(lang: string | null | undefined, onLoaded?: () => void): Messages {
  const base = (lang ?? '').trim().toLowerCase().split('-')[0] ?? '';
  const table = tables[base];
  if (table) return table;
  const load = loaders[base];
  if (load && onLoaded) {
    let pending = loading.get(base);
    if (!pending) {
      pending = load().then((t) => void (tables[base] = t));
      loading.set(base, pending);
    }
    pending.then(onLoaded, (err: unknown) =>
      console.warn(`[video-session] strings for "${base}" unavailable: ${String(err)}`),
    );
  }
  return messages;
}

/** The language that applies to `el`. */
export function languageOf(el: Element): string {
  return closestLang(el) || document.documentElement.lang || navigator.language || 'en';
}

/** The nearest `lang` at or above `el`, out through shadow roots (a rating inside the element). */
function closestLang(el: Element): string | null {
  for (let at: Element | null = el; at;) {
    const found = at.closest('[lang]');
    if (found) return found.getAttribute('lang');
    const root = at.getRootNode();
    at = root instanceof ShadowRoot ? root.host : null;
  }
  return null;
}
