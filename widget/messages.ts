/**
 * Every string the element shows, in English: the reference table. Other languages implement the
 * same `Messages` type (`locales/`), so a string added here without a translation fails the type
 * check. The element renders from the table of its language (`localize.ts`), never from this import.
 */
import type { CallMode } from '../src/call-modes.js';
import type { DeviceStatus } from '../src/call-messages.js';
import { errors, type ErrorCode } from '../src/errors.js';
import type { CallState } from './events.js';

const errorTexts = Object.fromEntries(
  Object.entries(errors).map(([code, info]) => [code, info.message]),
) as Record<ErrorCode, string>;

export const messages = {
  /** BCP 47 tag of this table, for number and list formatting. */
  locale: 'en',
  join: 'Join video call',
  joinVoice: 'Join with voice only',
  joinWithoutCamera: 'Join without camera',
  joinChat: 'Chat only',
  joinHint: 'Your browser will ask to use your camera and microphone.',
  joinHintNoCamera: 'No camera was found: you can talk and watch.',
  rejoin: 'Rejoin',
  retry: 'Try again',
  state: {
    idle: 'Ready to join',
    connecting: 'Connecting…',
    waiting: (name: string) => `Waiting for ${name}…`,
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
    ended: 'The session has ended',
    failed: 'The call could not continue',
  } satisfies Record<CallState, string | ((name: string) => string)>,
  youLeft: 'You left the session. Your link brings you back while it is open.',
  theOtherPerson: (role: 'agent' | 'customer') =>
    role === 'customer' ? 'the customer' : 'the agent',
  /** Mode names as the person choosing sees them. */
  modes: {
    'two-way': 'Video call',
    'one-way-agent': (mine: boolean) => (mine ? 'Only my video' : 'Only the agent’s video'),
    'one-way-customer': (mine: boolean) => (mine ? 'Only my video' : 'Only the customer’s video'),
    voice: 'Voice only',
    chat: 'Chat only',
  } satisfies Record<CallMode, string | ((mine: boolean) => string)>,
  modeGroup: 'Call mode',
  modeChanged: (name: string, mode: string) => `${name} switched to: ${mode}`,
  youSwitched: (mode: string) => `Switched to: ${mode}`,
  offer: {
    title: (name: string) => `${name} invites you to a video call`,
    titleVoice: (name: string) => `${name} invites you to a voice call`,
    titleAgentVideo: (name: string) => `${name} would like to see your video`,
    accept: 'Accept',
    acceptVoice: 'Join with voice only',
    oneWay: 'Only watch',
    decline: 'Decline',
  },
  waitingForAnswer: (name: string) => `Waiting for ${name} to answer…`,
  cancel: 'Cancel',
  declined: (name: string) => `${name} declined video. You can keep chatting.`,
  mute: 'Mute microphone',
  unmute: 'Unmute microphone',
  pauseVideo: 'Pause video',
  resumeVideo: 'Resume video',
  startVideo: 'Start video call',
  endCall: 'End call',
  endSession: 'End session',
  leave: 'Leave',
  shareScreen: 'Share your screen',
  stopSharing: 'Stop sharing',
  screenUnsupported: 'This browser cannot share its screen.',
  remoteMuted: (name: string) => `${name} muted their microphone`,
  remoteVideoPaused: (name: string) => `${name} paused their video`,
  remoteSharing: (name: string) => `${name} is sharing their screen`,
  remoteCamera: {
    granted: (name: string) => `${name}’s camera is off`,
    prompt: (name: string) => `${name} has not allowed their camera yet`,
    denied: (name: string) => `${name}’s camera is blocked in their browser`,
    none: (name: string) => `${name} has no camera`,
    unknown: (name: string) => `${name}’s camera is off`,
  } satisfies Record<DeviceStatus, (name: string) => string>,
  remoteMicrophone: {
    denied: (name: string) => `${name}’s microphone is blocked in their browser`,
    none: (name: string) => `${name} has no microphone`,
  },
  deviceHint: {
    denied: (device: string) =>
      `Your ${device} is blocked. Allow it in your browser’s site settings (the icon at the left of the address bar), then try again.`,
    none: (device: string) => `No ${device} was found. Connect one, or continue without it.`,
    prompt: (device: string) => `Your browser will ask to use your ${device}.`,
  },
  camera: 'camera',
  microphone: 'microphone',
  youSharing: 'You are sharing your screen',
  serviceReconnecting: 'Reconnecting to the service…',
  toolbar: 'Call controls',
  errors: errorTexts,
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
  swapVideos: 'Swap the two videos',
  tracking: {
    lost: 'Lost sight of the marked object: point the camera at it again',
    refound: 'Found the marked object again',
  },
};

/** The shape every language's table has. */
export type Messages = typeof messages;
