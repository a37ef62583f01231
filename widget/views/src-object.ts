/**
 * `<video ${srcObject(stream)}>`: sets a media element's `srcObject` only when the stream changes.
 *
 * A plain `.srcObject=${stream}` binding re-assigns on every render (lit-html re-commits object
 * values, https://lit.dev/docs/templates/expressions/#property-expressions), and assigning
 * `srcObject` restarts the element's load algorithm: the picture flickers on every re-render.
 */
import { nothing } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

class SrcObjectDirective extends Directive {
  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('srcObject() belongs on a media element');
  }

  override update(part: ElementPart, [stream]: [MediaStream | null]) {
    const media = part.element as HTMLMediaElement;
    if (media.srcObject !== stream) media.srcObject = stream;
    return nothing;
  }

  render(_stream: MediaStream | null) {
    return nothing;
  }
}

export const srcObject = directive(SrcObjectDirective);
