/**
 * The localisation layer: one table of strings per language (`messages.ts` is English and the
 * reference type), picked by the element's `lang`, the nearest ancestor's, the page's, or the
 * browser's language, in that order.
 */
import { messages, type Messages } from './messages.js';

const tables: Readonly<Record<string, Messages>> = { en: messages };

/** The table for a BCP 47 language tag (`de`, `de-AT`...); English when there is none. */
export function messagesFor(lang: string | null | undefined): Messages {
  const base = (lang ?? '').trim().toLowerCase().split('-')[0] ?? '';
  return tables[base] ?? messages;
}

/** The language that applies to `el`. */
export function languageOf(el: Element): string {
  return (
    el.closest('[lang]')?.getAttribute('lang') ||
    document.documentElement.lang ||
    navigator.language ||
    'en'
  );
}
