/**
 * `<video ${sinkId(id)}>`: plays a media element's audio on the chosen speaker (`setSinkId`) where
 * the browser can, and only when the choice changes. '' is the system default.
 */
import { nothing } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

type WithSink = HTMLMediaElement & { sinkId?: string; setSinkId?(id: string): Promise<void> };

class SinkIdDirective extends Directive {
  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('sinkId() belongs on a media element');
  }

  override update(part: ElementPart, [id]: [string]) {
    const media = part.element as WithSink;
    if (typeof media.setSinkId === 'function' && media.sinkId !== id) {
      media.setSinkId(id).catch((err: unknown) => {
        console.warn(`[video-session] setSinkId: ${String(err)}`);
      });
    }
    return nothing;
  }

  render(_id: string) {
    return nothing;
  }
}

export const sinkId = directive(SinkIdDirective);
