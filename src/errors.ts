/**
 * The one table of error codes. The same code travels in an HTTP problem object, a WebSocket
 * `{type: 'error'}` frame with its close code, a `vs-error` DOM event, and the service's logs.
 *
 * `status` is the HTTP status a REST answer uses, `close` the WebSocket close code (4000-4999 are
 * ours; 1008/1009/1011 are the standard ones), `fatal` whether the widget must give up (a `vs-error`
 * with `fatal: true` moves the element to `failed`), `message` the default English text.
 */
export const errors = {
  // Configuration and HTTP
  ERR_CONFIG_INVALID: {
    status: 500,
    close: 1011,
    fatal: true,
    message: 'The service is misconfigured.',
  },
  ERR_API_KEY_MISSING: {
    status: 401,
    close: 4401,
    fatal: true,
    message: 'Send the API key as `Authorization: Bearer <VS_API_KEY>`.',
  },
  ERR_API_KEY_INVALID: {
    status: 401,
    close: 4401,
    fatal: true,
    message: 'The API key is not valid.',
  },
  ERR_BODY_INVALID: {
    status: 400,
    close: 4400,
    fatal: false,
    message: 'The request body is not valid.',
  },
  ERR_BODY_TOO_LARGE: {
    status: 413,
    close: 1009,
    fatal: false,
    message: 'The request body is too large.',
  },
  ERR_NOT_FOUND: { status: 404, close: 4404, fatal: true, message: 'There is nothing here.' },
  ERR_INTERNAL: { status: 500, close: 1011, fatal: false, message: 'Something went wrong.' },

  // Sessions
  ERR_SESSION_NOT_FOUND: {
    status: 404,
    close: 4404,
    fatal: true,
    message: 'This video session does not exist.',
  },
  ERR_SESSION_ENDED: {
    status: 410,
    close: 4410,
    fatal: true,
    message: 'This video session has ended.',
  },
  ERR_SESSION_FULL: {
    status: 409,
    close: 4409,
    fatal: true,
    message: 'Someone else is already in this session with this invitation.',
  },
  ERR_TRANSITION_INVALID: {
    status: 409,
    close: 4413,
    fatal: false,
    message: 'The session cannot do that in its current state.',
  },
  ERR_SESSION_NOT_ACCEPTED: {
    status: 409,
    close: 4414,
    fatal: true,
    message: 'Nobody has accepted this request yet.',
  },
  ERR_SESSION_INTERNAL: {
    status: 403,
    close: 4415,
    fatal: true,
    message: 'This session is no longer available to you.',
  },
  ERR_FORBIDDEN: {
    status: 403,
    close: 4416,
    fatal: true,
    message: 'This token may not do that.',
  },
  ERR_ALREADY_RATED: {
    status: 409,
    close: 4000,
    fatal: false,
    message: 'This session has already been rated.',
  },
  ERR_RATING_NOT_OPEN: {
    status: 409,
    close: 4000,
    fatal: false,
    message: 'A session can be rated once its call has taken place.',
  },
  ERR_TOO_MANY_REPORTS: {
    status: 429,
    close: 4000,
    fatal: false,
    message: 'Too many events reported; try again in a moment.',
  },

  // Files on the service (uploads, downloads)
  ERR_UPLOAD_NOT_FOUND: {
    status: 404,
    close: 4000,
    fatal: false,
    message: 'This upload does not exist (it was finished, erased or expired).',
  },
  ERR_UPLOAD_OFFSET: {
    status: 409,
    close: 4000,
    fatal: false,
    message: 'The upload is at another offset; continue from the one given.',
  },
  ERR_UPLOAD_BUSY: {
    status: 409,
    close: 4000,
    fatal: false,
    message: 'Another request is writing to this upload; try again in a moment.',
  },
  ERR_UPLOAD_CONFLICT: {
    status: 409,
    close: 4000,
    fatal: false,
    message: 'A different file was already stored under this reference.',
  },
  ERR_UPLOAD_TOO_LARGE: {
    status: 413,
    close: 4000,
    fatal: false,
    message: 'The file (or this chunk of it) is larger than allowed.',
  },
  ERR_UPLOAD_TYPE: {
    status: 415,
    close: 4000,
    fatal: false,
    message: 'This type of file cannot be stored.',
  },
  ERR_UPLOAD_CORRUPT: {
    status: 422,
    close: 4000,
    fatal: false,
    message: 'The uploaded bytes do not match the file announced; the upload starts again.',
  },
  ERR_FILE_NOT_FOUND: {
    status: 404,
    close: 4000,
    fatal: false,
    message: 'This file does not exist (any more).',
  },
  ERR_LINK_INVALID: {
    status: 403,
    close: 4000,
    fatal: false,
    message: 'This download link is not valid.',
  },
  ERR_LINK_EXPIRED: {
    status: 403,
    close: 4000,
    fatal: false,
    message: 'This download link has expired. Ask for a new one.',
  },
  ERR_RANGE_INVALID: {
    status: 416,
    close: 4000,
    fatal: false,
    message: 'The requested range is outside the file.',
  },
  ERR_TOO_MANY_UPLOADS: {
    status: 429,
    close: 4000,
    fatal: false,
    message: 'Too many unfinished uploads in this session; finish one first.',
  },
  ERR_STORAGE_FULL: {
    status: 507,
    close: 4000,
    fatal: false,
    message: 'The video service is out of storage space; try again later.',
  },

  // Requests (the help button)
  ERR_REQUEST_KEY_INVALID: {
    status: 401,
    close: 4401,
    fatal: true,
    message: 'This page cannot ask for video help: its key or request token is not valid.',
  },
  ERR_REQUEST_TOKEN_EXPIRED: {
    status: 401,
    close: 4403,
    fatal: true,
    message: 'This page has been open too long to ask for video help. Reload it and try again.',
  },
  ERR_TOO_MANY_REQUESTS: {
    status: 429,
    close: 4429,
    fatal: false,
    message: 'Too many requests for video help; try again in a minute.',
  },
  ERR_DIRECT_CALLS_DISABLED: {
    status: 403,
    close: 4000,
    fatal: false,
    message: 'Direct calls are not enabled; request a session instead.',
  },

  // Short invite links (`/j/<code>`): answered as pages, for the person who opened the link
  ERR_INVITE_NOT_FOUND: {
    status: 404,
    close: 4000,
    fatal: true,
    message: 'This link is not valid. Ask the person who sent it for a new one.',
  },
  ERR_INVITE_EXPIRED: {
    status: 410,
    close: 4000,
    fatal: true,
    message: 'This link has expired. Ask the person who sent it for a new one.',
  },
  ERR_TOO_MANY_INVITES: {
    status: 429,
    close: 4000,
    fatal: false,
    message: 'Too many invitation links were opened from this network. Try again in a minute.',
  },

  // Tokens and the WebSocket
  ERR_TOKEN_MISSING: {
    status: 401,
    close: 4401,
    fatal: true,
    message: 'A join token is required.',
  },
  ERR_TOKEN_INVALID: {
    status: 401,
    close: 4402,
    fatal: true,
    message: 'This link is not valid.',
  },
  ERR_TOKEN_EXPIRED: {
    status: 401,
    close: 4403,
    fatal: true,
    message: 'This link has expired. Ask for a new one.',
  },
  ERR_TOKEN_SESSION_MISMATCH: {
    status: 403,
    close: 4406,
    fatal: true,
    message: 'This token belongs to another session.',
  },
  ERR_ORIGIN_NOT_ALLOWED: {
    status: 403,
    close: 4407,
    fatal: true,
    message: 'This page is not allowed to use the service (VS_ALLOWED_ORIGINS).',
  },
  ERR_TOO_MANY_CONNECTIONS: {
    status: 429,
    close: 4429,
    fatal: false,
    message: 'Too many connections from this network.',
  },
  ERR_SERVICE_BUSY: {
    status: 503,
    close: 4503,
    fatal: false,
    message: 'The video service is busy. Retrying.',
  },
  ERR_UPGRADE_REQUIRED: {
    status: 426,
    close: 4426,
    fatal: true,
    message: 'Connect with a WebSocket.',
  },
  ERR_PROTOCOL_VERSION: {
    status: 400,
    close: 4408,
    fatal: true,
    message: 'This version of the widget is not supported by the service.',
  },
  ERR_MESSAGE_INVALID: {
    status: 400,
    close: 4400,
    fatal: false,
    message: 'A message was malformed and was dropped.',
  },
  ERR_FRAME_TOO_LARGE: {
    status: 413,
    close: 1009,
    fatal: false,
    message: 'A message was larger than 64 KiB.',
  },
  ERR_HELLO_TIMEOUT: {
    status: 408,
    close: 4411,
    fatal: false,
    message: 'The connection did not introduce itself in time.',
  },
  ERR_CONNECTION_REPLACED: {
    status: 409,
    close: 4412,
    fatal: true,
    message: 'This session was opened in another window.',
  },
  ERR_RATE_LIMITED: {
    status: 429,
    close: 4429,
    fatal: false,
    message: 'Too many messages; some were dropped.',
  },
  ERR_RELAY_LIMITED: {
    status: 429,
    close: 4429,
    fatal: false,
    message: 'Too much signalling data; some was dropped.',
  },

  // Widget (browser) side
  ERR_SIGNALLING_UNREACHABLE: {
    status: 503,
    close: 1011,
    fatal: false,
    message: 'The video service cannot be reached. Retrying.',
  },
  ERR_MEDIA_DENIED: {
    status: 403,
    close: 4000,
    fatal: false,
    message: 'Camera or microphone access was blocked.',
  },
  ERR_MEDIA_NOT_FOUND: {
    status: 404,
    close: 4000,
    fatal: false,
    message: 'No camera or microphone was found.',
  },
  ERR_MEDIA_UNAVAILABLE: {
    status: 503,
    close: 4000,
    fatal: false,
    message: 'The camera or microphone is in use by another program.',
  },
  ERR_WEBRTC_UNSUPPORTED: {
    status: 501,
    close: 4000,
    fatal: true,
    message: 'This browser cannot make video calls.',
  },
  ERR_PEER_FAILED: {
    status: 502,
    close: 4000,
    fatal: false,
    message: 'The connection to the other person failed.',
  },
  ERR_PEER_MESSAGE_INVALID: {
    status: 400,
    close: 4000,
    fatal: false,
    message: 'A message from the other person was malformed and was ignored.',
  },
  ERR_NOT_CONNECTED: {
    status: 409,
    close: 4000,
    fatal: false,
    message: 'The call is not connected.',
  },
  ERR_CALL_FAILED: {
    status: 502,
    close: 4000,
    fatal: true,
    message: 'The connection to the other person could not be restored.',
  },
  ERR_FILE_TOO_LARGE: {
    status: 413,
    close: 4000,
    fatal: false,
    message: 'The file is larger than allowed.',
  },
  ERR_FILE_TRANSFER_FAILED: {
    status: 502,
    close: 4000,
    fatal: false,
    message: 'The file did not arrive complete; it was not kept.',
  },
  ERR_TOO_MANY_TRANSFERS: {
    status: 429,
    close: 4000,
    fatal: false,
    message: 'Too many files at once; send it again once the others have arrived.',
  },
  ERR_STILL_UNAVAILABLE: {
    status: 409,
    close: 4000,
    fatal: false,
    message: 'No camera picture to take a screenshot of right now.',
  },
  ERR_STILL_INVALID: {
    status: 415,
    close: 4000,
    fatal: false,
    message: 'This screenshot cannot be opened: it is not a picture this browser can read.',
  },
  ERR_SCREEN_SHARE_UNSUPPORTED: {
    status: 501,
    close: 4000,
    fatal: false,
    message: 'This browser cannot share its screen.',
  },
  ERR_STORAGE_QUOTA: {
    status: 507,
    close: 4000,
    fatal: false,
    message:
      'This device is out of storage space; recording stopped and what was recorded is kept.',
  },
  ERR_CHUNK_LOAD: {
    status: 503,
    close: 4000,
    fatal: false,
    message: 'A part of the widget could not be loaded (its script did not arrive).',
  },
  ERR_STORAGE_UNAVAILABLE: {
    status: 503,
    close: 4000,
    fatal: false,
    message: 'This browser cannot store files for the call (IndexedDB is unavailable).',
  },
  ERR_RECORDING_UNSUPPORTED: {
    status: 501,
    close: 4000,
    fatal: false,
    message: 'The call cannot be recorded here (no camera picture to record, or no recorder).',
  },
} as const satisfies Record<string, ErrorInfo>;

/** What the table says about one code. */
export interface ErrorInfo {
  readonly status: number;
  readonly close: number;
  readonly fatal: boolean;
  readonly message: string;
}

/** Every error code the SDK and the service use. */
export type ErrorCode = keyof typeof errors;

/** True when `code` is one of ours (for values read off the wire). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errors, code);
}

/** An RFC 9457 problem object, as every REST refusal answers. */
export interface Problem {
  readonly type: 'about:blank';
  readonly title: string;
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail?: string;
}

/** Builds the problem object for `code`, with an optional detail for the integrator. */
export function problem(code: ErrorCode, detail?: string): Problem {
  const info = errors[code];
  return {
    type: 'about:blank',
    title: info.message,
    status: info.status,
    code,
    ...(detail ? { detail } : {}),
  };
}

/** An error with a code from the table; thrown by SDK methods, carried by `vs-error`. */
export class VideoSessionError extends Error {
  override readonly name = 'VideoSessionError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? errors[code].message, options);
    this.code = code;
  }
}
