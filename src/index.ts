/**
 * `video-session/protocol`: the contract shared by the widget, the service and host backends:
 * the wire protocol, the REST API's bodies and answers, the session state machine, the webhook
 * event catalogue, data-channel messages, error codes, and the parsers that check them.
 */
export * from './protocol.js';
export * from './rest.js';
export * from './session-state.js';
export * from './events.js';
export * from './peer-messages.js';
export * from './errors.js';
export { parseClientMessage, parseServerMessage, type Refused, type Result } from './parse.js';
