/**
 * Every string the element shows, in one place. Error texts come from the error table
 * (`src/errors.ts`); this holds the rest.
 */
import type { CallState } from './events.js';

export const messages = {
  join: 'Join video call',
  joinHint: 'Your browser will ask to use your camera and microphone.',
  state: {
    idle: 'Ready to join',
    connecting: 'Connecting…',
    waiting: (name: string) => `Waiting for ${name}…`,
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
    ended: 'The call has ended',
    failed: 'The call could not continue',
  } satisfies Record<CallState, string | ((name: string) => string)>,
  theOtherPerson: (role: 'agent' | 'customer') =>
    role === 'customer' ? 'the customer' : 'the agent',
  mute: 'Mute microphone',
  unmute: 'Unmute microphone',
  pauseVideo: 'Pause video',
  resumeVideo: 'Resume video',
  hangUp: 'End call',
  remoteMuted: (name: string) => `${name} muted their microphone`,
  remoteVideoPaused: (name: string) => `${name} paused their video`,
  noCamera: 'Your camera is off',
  serviceReconnecting: 'Reconnecting to the service…',
  toolbar: 'Call controls',
  annotationTools: 'Drawing tools',
  annotationCanvas: 'Drawings on the picture',
  tools: {
    pointer: 'Point (P)',
    pen: 'Pen (D)',
    arrow: 'Arrow (A)',
    ellipse: 'Circle (O)',
    rectangle: 'Rectangle (R)',
    highlighter: 'Highlighter (H)',
    text: 'Text (T)',
  },
  colors: ['Red', 'Yellow', 'Green', 'Blue', 'White', 'Black'],
  colorLabel: (name: string, key: number) => `Colour: ${name} (${key})`,
  widths: ['Thin', 'Medium', 'Thick'],
  widthLabel: (name: string) => `Line: ${name} ([ and ])`,
  anchor: 'Keep marks on the object (K)',
  undo: 'Undo (Ctrl+Z)',
  redo: 'Redo (Ctrl+Shift+Z)',
  clearOwn: 'Clear my marks (C)',
  clearAll: 'Clear all marks (Shift+C)',
  textPlaceholder: 'Type, then Enter',
  textInput: 'Text to place on the picture',
  tracking: {
    tracking: 'The mark follows the object',
    lost: 'Lost sight of the marked object: point the camera at it again',
    refound: 'Found the marked object again',
  },
  agentPointing: (name: string) => `${name} is pointing at your picture`,
  showOwnCamera: 'Show my camera large',
  showOtherCamera: 'Show the other camera large',
};
