/**
 * Every string the element shows, in English: the reference table. Other languages implement the
 * same `Messages` type (`locales/`), so a string added here without a translation fails the type
 * check. The element renders from the table of its language (`localize.ts`), never from this import.
 */
import type { CallMode } from '../src/call-modes.js';
import type { DeviceStatus } from '../src/call-messages.js';
import type { QualityLevel } from '../src/network-quality.js';
import type { Role } from '../src/protocol.js';
import { errors, type ErrorCode } from '../src/errors.js';
import type { CallState } from './core/call/call-controller.js';

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
  theOtherPerson: (role: 'agent' | 'customer'): string =>
    role === 'customer' ? 'the customer' : 'the agent',
  /** Mode names as the person choosing sees them. */
  modes: {
    'two-way': 'Video call',
    'one-way-agent': (mine: boolean): string => (mine ? 'Only my video' : 'Only the agent’s video'),
    'one-way-customer': (mine: boolean): string =>
      mine ? 'Only my video' : 'Only the customer’s video',
    voice: 'Voice only',
    chat: 'Chat only',
  } satisfies Record<CallMode, string | ((mine: boolean) => string)>,
  modeGroup: 'Call mode',
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
  settings: 'Settings',
  closeSettings: 'Close settings',
  cameraLabel: 'Camera',
  microphoneLabel: 'Microphone',
  speakerLabel: 'Speaker',
  deviceDefault: 'Default',
  deviceNumbered: (kind: string, n: number) => `${kind} ${n}`,
  resolution: 'Resolution',
  presets: { native: 'Native', '720p': '720p (HD)', '360p': '360p (saves data)' },
  actualSize: (width: number, height: number) => `Your camera sends ${width} × ${height}`,
  flipCamera: 'Switch camera',
  permission: {
    granted: 'allowed',
    prompt: 'not asked yet',
    denied: 'blocked',
    none: 'not found',
    unknown: 'unknown',
  } satisfies Record<DeviceStatus, string>,
  permissionRow: (device: string, status: string) => `${device}: ${status}`,
  fullscreen: 'Full screen',
  exitFullscreen: 'Exit full screen',
  pip: 'Picture in picture',
  exitPip: 'Close picture in picture',
  minimize: 'Minimise',
  restore: 'Restore',
  moveWindow: 'Move the window (arrow keys)',
  network: {
    good: 'Good connection',
    fair: 'Fair connection',
    poor: 'Poor connection',
    bad: 'Very poor connection',
  } satisfies Record<QualityLevel, string>,
  networkDetails: (d: {
    rtt: string;
    loss: string;
    inbound: string;
    outbound: string;
    fps: string;
  }) =>
    `Round trip ${d.rtt} · loss ${d.loss} · receiving ${d.inbound} · sending ${d.outbound}${d.fps ? ` · ${d.fps} frames/s` : ''}`,
  poorNetworkOffer: 'The connection is very poor. Switch to voice only?',
  switchToVoice: 'Switch to voice',
  keepVideo: 'Keep video',
  switchedToVoice: 'Switched to voice only: the connection is very poor.',
  videoBackOffer: 'The connection is better again. Turn video back on?',
  videoBack: 'Turn video on',
  notNow: 'Not now',
  chat: 'Chat',
  openChat: 'Chat',
  chatUnread: (n: number) => `Chat, ${n} unread`,
  closeChat: 'Close chat',
  chatEmpty: 'No messages yet. Messages and files stay with the session.',
  messageLabel: 'Message',
  send: 'Send',
  emoji: 'Emoji',
  attach: 'Send a file or photo',
  you: 'You',
  fileLimit: (size: string) => `Files up to ${size}`,
  fileSending: (percent: number) => `Sending… ${percent}%`,
  fileReceiving: (percent: number) => `Receiving… ${percent}%`,
  fileDelivered: 'Delivered',
  fileReceived: 'Received',
  fileDownload: (name: string) => `Download ${name}`,
  fileFailed: (reason: string) => `Not delivered: ${reason}`,
  youSharing: 'You are sharing your screen',
  serviceReconnecting: 'Reconnecting to the service…',
  toolbar: 'Call controls',
  pictureTaken: (name: string, role: Role): string =>
    role === 'customer' ? `${name} took a picture of your camera.` : `${name} took a screenshot.`,
  view: 'View',
  inviteInUse: (role: Role): string =>
    `Someone else tried the ${role === 'customer' ? 'customer’s' : 'agent’s'} link while it is in use.`,
  more: 'More',
  moreControls: 'More call controls',
  rating: {
    prompt: 'How was your video session?',
    scale: 'Your rating',
    star: (n: number) => `${n} of 5`,
    comment: 'Anything you want to add? (optional)',
    send: 'Send',
    skip: 'No thanks',
    thanks: 'Thank you for your feedback.',
  },
  help: {
    button: 'Video help',
    requesting: 'Asking for an agent…',
    waiting: 'Waiting for an agent to accept your call…',
    waitingHint: 'Keep this page open. Your camera turns on when the call starts.',
    cancel: 'Cancel',
    declined: 'No agent can take a video call right now.',
    expired: 'Nobody could answer in time.',
    failed: 'Video help is not available right now.',
    tryAgain: 'Try again',
    close: 'Close',
  },
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
  recording: {
    record: 'Ask to record the call',
    stop: 'Stop recording',
    cancel: 'Cancel the recording request',
    withdraw: 'Stop recording (withdraw consent)',
    indicator: 'Recording',
    waiting: (name: string) => `Asking ${name} to agree to recording…`,
    starting: 'Recording starts…',
    declined: (name: string) => `${name} did not agree to recording.`,
    promptTitle: (name: string) => `${name} would like to record this call`,
    promptWhat:
      'What is recorded: your camera picture with the drawings on it, and both your voices.',
    promptWho: (name: string) =>
      `Who can see it: ${name} and your support ticket. You can stop it at any time.`,
    promptNothing: 'Nothing is recorded unless you agree.',
    allow: 'Allow recording',
    deny: "Don't record",
  },
  /** Saving a screenshot for the ticket (the gallery and the new still). */
  stillSave: {
    review: 'New screenshot',
    hint: 'Saved screenshots go to the ticket; you both see them.',
    save: 'Save',
    discard: 'Discard',
    unsaved: 'Not saved yet',
    waiting: (name: string) => `${name} decides whether to keep it`,
    uploading: (percent: number) => `Saving to the ticket… ${percent}%`,
    saved: 'Saved to the ticket',
    failed: (reason: string) => `Not on the ticket yet: ${reason}`,
    edited: 'Edited',
  },
  takeScreenshot: 'Take a screenshot',
  screenshots: 'Screenshots',
  screenshotsCount: (n: number) => `Screenshots (${n})`,
  closeScreenshots: 'Close screenshots',
  screenshotsEmpty: 'No screenshots yet. They stay with the session.',
  screenshotTaking: 'Taking…',
  screenshotAlt: (by: string, time: string) => `Screenshot by ${by} at ${time}`,
  /** The link of a saved screenshot shown from the service (it opens in a new tab). */
  screenshotOpen: (name: string) => `Open ${name}`,
  /** The screenshot editor (its drawing tools, colours, widths, undo and redo are the ones above). */
  stillEditor: {
    title: 'Edit the screenshot',
    tools: 'Editing tools',
    crop: 'Crop (X)',
    pixelate: 'Pixelate an area (M)',
    fill: 'Cover an area (B)',
    picture: (width: number, height: number) => `The screenshot, ${width} × ${height} pixels`,
    save: 'Save',
    discard: 'Discard',
    loading: 'Opening the screenshot…',
  },
};

/** The shape every language's table has. */
export type Messages = typeof messages;
