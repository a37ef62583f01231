/**
 * The type a received file's Blob gets. Its object URL lives in the host page's origin, so
 * opening it (a link's "open in new tab", a frame) renders it there: a type the browser would run
 * as a document (HTML, SVG, XML, PDF with its scripts) must not come from the other side. Only
 * types a browser shows without running anything are kept; everything else is
 * `application/octet-stream`, which a browser downloads.
 */

/** Types that render without running anything: pictures, sound, video and plain text. */
export const INERT_TYPE =
  /^(?:image\/(?:png|jpeg|gif|webp|avif|bmp)|video\/(?:mp4|webm|ogg)|audio\/(?:mpeg|mp4|aac|ogg|webm|wav|flac)|text\/plain)$/;

/** The type to build a received file's Blob with, from the type its sender announced. */
export function receivedType(announced: string): string {
  const type = announced.toLowerCase();
  return INERT_TYPE.test(type) ? type : 'application/octet-stream';
}
