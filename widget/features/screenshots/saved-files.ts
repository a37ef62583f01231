/**
 * Keeps the gallery's picture of what the service has current. It asks for the session's files
 * (with this person's token):
 * - on every welcome (`refresh`);
 * - again before the earliest signed link it gave expires, timed from the service's clock (the
 *   list's `now`), so a page whose clock is off neither lets links lapse nor asks in a loop; never
 *   sooner than `MIN_RENEW_MS` whatever the times say;
 * - while a screenshot the other person saved is not confirmed (`unconfirmed()`), again after a
 *   growing wait, at most `CONFIRM_TRIES` times: the call may have ended before they could tell us.
 * Only the latest answer counts; `stop` is the one place its timer stops.
 */
import type { FileInfo, FileList } from '../../../src/rest.js';

/** The soonest a renewal of links is asked for after the last list. */
export const MIN_RENEW_MS = 30_000;
/** Links are renewed this long before they expire (or a tenth of their life, if shorter). */
const RENEW_BEFORE_MS = 60_000;
/** Waits between asks while a save is unconfirmed: 2 s, doubling, up to a minute, 8 times. */
const CONFIRM_FIRST_MS = 2_000;
const CONFIRM_MAX_MS = 60_000;
export const CONFIRM_TRIES = 8;

export interface SavedFilesOptions {
  /** The soonest a renewal is asked for (default `MIN_RENEW_MS`; tests shorten it). */
  minRenewMs?: number;
  /** The session's files as the service lists them for this person. */
  list(): Promise<FileList>;
  /** What the service has (the screenshots among the files are saved). */
  onFiles(files: readonly FileInfo[]): void;
  /** A screenshot the other person saved is not confirmed by the service yet. */
  unconfirmed(): boolean;
}

export class SavedFiles {
  private readonly options: SavedFilesOptions;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asked = 0;
  private confirmTries = 0;

  constructor(options: SavedFilesOptions) {
    this.options = options;
  }

  /** Asks now (a welcome); the confirmation tries start over. */
  refresh(): Promise<void> {
    this.confirmTries = 0;
    return this.ask();
  }

  /** A connection went away: if a save is unconfirmed, ask again soon. */
  watch(): void {
    if (!this.options.unconfirmed() || this.confirmTries >= CONFIRM_TRIES) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.ask().catch(warn), this.confirmWait());
  }

  /** Stops asking; the one place the timer stops. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.asked++; // an answer under way is dropped
  }

  private async ask(): Promise<void> {
    clearTimeout(this.timer);
    const asked = ++this.asked;
    let list: FileList;
    try {
      list = await this.options.list();
    } catch (err) {
      if (asked === this.asked) this.watch(); // a service that is away may be back later
      throw err;
    }
    if (asked !== this.asked) return;
    this.options.onFiles(list.files);
    this.schedule(list);
  }

  private schedule(list: FileList): void {
    let next = renewIn(list, this.options.minRenewMs);
    if (this.options.unconfirmed() && this.confirmTries < CONFIRM_TRIES) {
      next = Math.min(next, this.confirmWait());
    }
    if (Number.isFinite(next)) this.timer = setTimeout(() => void this.ask().catch(warn), next);
  }

  /** The next wait while a save is unconfirmed (each call counts as a try). */
  private confirmWait(): number {
    return Math.min(CONFIRM_MAX_MS, CONFIRM_FIRST_MS * 2 ** this.confirmTries++);
  }
}

const warn = (err: unknown) =>
  console.warn(`[video-session] saved screenshots not listed: ${String(err)}`);

/**
 * How long after `list` arrived its links should be renewed: before the earliest expires (a minute
 * before, or a tenth of its life if shorter), counted on the service's clock (`list.now`), never
 * sooner than `minMs`; Infinity when it holds no link.
 */
export function renewIn(list: FileList, minMs = MIN_RENEW_MS): number {
  const now = Date.parse(list.now);
  let next = Infinity;
  for (const file of list.files) {
    const left = Date.parse(file.urlExpiresAt) - now;
    if (Number.isFinite(left)) next = Math.min(next, left - Math.min(RENEW_BEFORE_MS, left / 10));
  }
  return Math.max(minMs, next);
}
