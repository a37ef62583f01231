// `npm run build` writes custom-elements.json from the elements' JSDoc (editors and docs read it).
// The analyzer guesses events from `dispatchEvent(new X(variable))` and lists internal reactive
// state as attributes; keep only the documented public surface.
const TAGS = {
  VideoSession: 'video-session',
  VideoHelpButton: 'video-help-button',
  SessionRating: 'video-session-rating',
  ScreenshotEditor: 'video-session-screenshot-editor',
};

export default {
  globs: [
    'widget/video-session.ts',
    'widget/help-button/video-help-button.ts',
    'widget/features/rating/session-rating.ts',
    'widget/features/screenshots/screenshot-editor.ts',
  ],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      name: 'public-surface-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const decl of mod.declarations ?? []) {
            if (TAGS[decl.name]) decl.tagName = TAGS[decl.name];
            decl.events = decl.events?.filter((e) => e.name?.startsWith('vs-'));
            decl.attributes = decl.attributes?.filter((a) => !a.name.startsWith('_'));
            decl.members = decl.members?.filter(
              (m) => m.privacy !== 'private' && !m.name.startsWith('_'),
            );
          }
        }
      },
    },
  ],
};
