/**
 * The languages of the service's own pages (the join page, and what a short invite link answers
 * when it leads nowhere): the ones the widget speaks (`widget/localize.ts`), chosen from the
 * browser's `Accept-Language`, with their strings.
 */
import { errors } from '../../src/errors.js';

/** The languages the pages (and the widget) speak; the first is the fallback. */
export const PAGE_LANGUAGES = ['en', 'de'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

/** The refusals a short invite link answers with a page. */
export type InvitePageCode = 'ERR_INVITE_NOT_FOUND' | 'ERR_INVITE_EXPIRED' | 'ERR_TOO_MANY_INVITES';

/** Why an invite the join page checked cannot be used. */
export type DeadInvite = 'invalid' | 'expired' | 'ended' | 'declined' | 'inUse';

/** What the pages say. */
export interface PageStrings {
  /** The page's title and header. */
  brand: string;
  /** The join page opened without its token (a link cut short). */
  incomplete: string;
  /** What the join page says, before any camera is asked for, when its invite cannot be used. */
  dead: Record<DeadInvite, string>;
  noscript: string;
  /** The error table's message for each code, in this language (`widget/locales/` has the same). */
  errors: Record<InvitePageCode, string>;
}

export const PAGE_STRINGS: Record<PageLanguage, PageStrings> = {
  en: {
    brand: 'Video help',
    incomplete:
      'This link is incomplete. Open the whole link from your invitation, or ask for a new one.',
    dead: {
      invalid: errors.ERR_INVITE_NOT_FOUND.message,
      expired: errors.ERR_INVITE_EXPIRED.message,
      ended: 'This video session has ended. If you still need help, ask for a new link.',
      declined: 'This video call was declined. If you still need help, ask for a new link.',
      inUse:
        'This link is already open in another tab or on another device. Close it there and reload this page, or ask for a new link.',
    },
    noscript: 'Video help needs JavaScript.',
    errors: {
      ERR_INVITE_NOT_FOUND: errors.ERR_INVITE_NOT_FOUND.message,
      ERR_INVITE_EXPIRED: errors.ERR_INVITE_EXPIRED.message,
      ERR_TOO_MANY_INVITES: errors.ERR_TOO_MANY_INVITES.message,
    },
  },
  de: {
    brand: 'Videohilfe',
    incomplete:
      'Dieser Link ist unvollständig. Öffnen Sie den ganzen Link aus Ihrer Einladung, oder bitten Sie um einen neuen.',
    dead: {
      invalid:
        'Dieser Link ist ungültig. Bitten Sie die Person, die ihn geschickt hat, um einen neuen.',
      expired:
        'Dieser Link ist abgelaufen. Bitten Sie die Person, die ihn geschickt hat, um einen neuen.',
      ended:
        'Diese Videositzung ist beendet. Wenn Sie noch Hilfe brauchen, bitten Sie um einen neuen Link.',
      declined:
        'Dieser Videoanruf wurde abgelehnt. Wenn Sie noch Hilfe brauchen, bitten Sie um einen neuen Link.',
      inUse:
        'Dieser Link ist schon in einem anderen Tab oder auf einem anderen Gerät geöffnet. Schließen Sie ihn dort und laden Sie diese Seite neu, oder bitten Sie um einen neuen Link.',
    },
    noscript: 'Die Videohilfe braucht JavaScript.',
    errors: {
      ERR_INVITE_NOT_FOUND:
        'Dieser Link ist ungültig. Bitten Sie die Person, die ihn geschickt hat, um einen neuen.',
      ERR_INVITE_EXPIRED:
        'Dieser Link ist abgelaufen. Bitten Sie die Person, die ihn geschickt hat, um einen neuen.',
      ERR_TOO_MANY_INVITES:
        'Aus diesem Netz wurden zu viele Einladungslinks geöffnet. Versuchen Sie es in einer Minute noch einmal.',
    },
  },
};

/**
 * The page language for an `Accept-Language` header (RFC 9110, 12.5.4): the supported language
 * with the highest weight, the earlier one on a tie, matched by its primary subtag (`de-AT` is
 * `de`); English when none is acceptable. Reads at most the first 32 entries.
 */
export function pageLanguage(header: string | undefined | null): PageLanguage {
  let best: PageLanguage = PAGE_LANGUAGES[0];
  let bestWeight = 0;
  for (const entry of (header ?? '').slice(0, 1024).split(',').slice(0, 32)) {
    const [range = '', ...params] = entry.trim().split(';');
    const primary = range.trim().toLowerCase().split('-')[0] ?? '';
    const language = PAGE_LANGUAGES.find((l) => l === primary);
    if (!language) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)).find(Boolean);
    const weight = q ? Number(q[1]) : 1;
    if (weight > bestWeight) {
      best = language;
      bestWeight = weight;
    }
  }
  return best;
}
