/**
 * `<span ${cssProps({ '--_w': '4px' })}>`: sets style properties through the CSSOM, never a
 * `style` attribute. A page whose Content-Security-Policy allows no inline styles (the service's
 * join page, the README's host policy) refuses a style attribute, and Lit's `styleMap` in an
 * attribute position writes one when its template is made (lit#4719): seven violations per call.
 */
import { nothing } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

class CssPropsDirective extends Directive {
  private set = new Set<string>();

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('cssProps() belongs on an element');
  }

  override update(part: ElementPart, [props]: [Record<string, string>]) {
    const style = (part.element as HTMLElement).style;
    for (const name of this.set) if (!(name in props)) style.removeProperty(name);
    for (const [name, value] of Object.entries(props)) style.setProperty(name, value);
    this.set = new Set(Object.keys(props));
    return nothing;
  }

  render(_props: Record<string, string>) {
    return nothing;
  }
}

export const cssProps = directive(CssPropsDirective);
