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
};
