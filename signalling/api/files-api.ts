/**
 * The files routes: resumable uploads (`POST /v1/sessions/:id/uploads`, then `PATCH` chunks with
 * `Upload-Offset`, `HEAD`/`GET` for the offset: tus-core shaped), a session's files with signed
 * links, erasure (API key), and the download behind a signed link (`GET /v1/files/:fileId`).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { problem } from '../../src/errors.js';
import type { Uploader } from '../../src/events.js';
import type { Refused } from '../../src/parse.js';
import {
  CreateUploadSchema,
  UPLOAD_CONTENT_TYPE,
  type FileInfo,
  type FileList,
  type FilesDeleted,
  type UploadCreated,
  type UploadProgress,
  type UploadStatus,
} from '../../src/rest.js';
import type { ServerConfig } from '../config.js';
import type { FileLinks, LinkAudience } from '../files/file-links.js';
import { CHUNK_SIZE, type Files } from '../files/files.js';
import type { Sessions } from '../sessions/sessions.js';
import type { TokenService } from '../sessions/tokens.js';
import type { FileRecord, UploadRecord } from '../store/store.js';
import {
  authMiddlewares,
  limit,
  problemResponse,
  readBody,
  sessionIdOf,
  type Caller,
  type Env,
} from './http.js';
import { isHiddenFrom } from './sessions-api.js';

export interface FilesApiDeps {
  config: ServerConfig;
  sessions: Sessions;
  tokens: TokenService;
  files: Files;
  links: FileLinks;
  now: () => number;
}

export function filesApi(deps: FilesApiDeps): Hono<Env> {
  const { config, sessions, tokens, files, links, now } = deps;
  const { hostOnly, hostOrParticipant, hostOrParticipantWithGrace } = authMiddlewares(
    config.apiKey,
    tokens,
    { now, isAccepted: (id) => sessions.isAccepted(id) },
  );
  const uploader = hostOrParticipantWithGrace(config.files.uploadGraceHours * 3600_000, now);
  const api = new Hono<Env>();
  const audienceOf = (caller: Caller): LinkAudience =>
    caller.kind === 'host' ? 'host' : caller.role;
  /** Who a caller uploads as: the host with the API key, or the token's role. */
  const uploaderOf = (caller: Caller): Uploader => (caller.kind === 'host' ? 'host' : caller.role);
  const infoFor = (c: Context<Env>, file: FileRecord): FileInfo =>
    files.info(file, audienceOf(c.get('caller')), config.files.linkTtl);

  /** The session exists and the caller may see it (a customer not while it is internal). */
  const visible = async (c: Context<Env>): Promise<Response | null> => {
    const session = await sessions.get(sessionIdOf(c));
    if (!session) return problemResponse(c, 'ERR_SESSION_NOT_FOUND');
    if (isHiddenFrom(c.get('caller'), session)) return problemResponse(c, 'ERR_SESSION_INTERNAL');
    return null;
  };

  api.post('/sessions/:id/uploads', uploader, limit, async (c) => {
    const hidden = await visible(c);
    if (hidden) return hidden;
    const body = await readBody(c, CreateUploadSchema);
    if ('refused' in body) return body.refused;
    const done = await files.create(sessionIdOf(c), body.value, uploaderOf(c.get('caller')));
    if (!done.ok) return refusal(c, done);
    const { created, upload, file } = done.value;
    const answer: UploadCreated = {
      uploadId: upload.id,
      offset: upload.offset,
      size: upload.size,
      chunkSize: CHUNK_SIZE,
      ...(file ? { file: infoFor(c, file) } : {}),
    };
    return c.json(answer, created ? 201 : 200, { 'cache-control': 'no-store' });
  });

  api.patch('/sessions/:id/uploads/:uploadId', uploader, async (c) => {
    const hidden = await visible(c);
    if (hidden) return hidden;
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== UPLOAD_CONTENT_TYPE) {
      return problemResponse(c, 'ERR_BODY_INVALID', `send the bytes as ${UPLOAD_CONTENT_TYPE}`);
    }
    const offsetHeader = c.req.header('upload-offset') ?? '';
    if (!/^\d{1,16}$/.test(offsetHeader)) {
      return problemResponse(c, 'ERR_BODY_INVALID', 'send `Upload-Offset: <bytes so far>`');
    }
    const length = c.req.header('content-length');
    if (length !== undefined && Number(length) > CHUNK_SIZE) {
      return problemResponse(c, 'ERR_UPLOAD_TOO_LARGE', `chunks are at most ${CHUNK_SIZE} bytes`);
    }
    const done = await files.write(
      sessionIdOf(c),
      c.req.param('uploadId'),
      Number(offsetHeader),
      c.req.raw.body,
      uploaderOf(c.get('caller')),
    );
    if (!done.ok) return refusal(c, done);
    const answer: UploadProgress = {
      offset: done.value.offset,
      ...(done.value.file ? { file: infoFor(c, done.value.file) } : {}),
    };
    return c.json(answer, 200, {
      'upload-offset': String(done.value.offset),
      'cache-control': 'no-store',
    });
  });

  // GET answers HEAD too (headers only): `Upload-Offset` and `Upload-Length`, as tus does.
  api.get('/sessions/:id/uploads/:uploadId', uploader, async (c) => {
    const hidden = await visible(c);
    if (hidden) return hidden;
    // The host reads any upload of the session; a widget only its own.
    const caller = c.get('caller');
    const found = await files.find(
      sessionIdOf(c),
      c.req.param('uploadId'),
      caller.kind === 'host' ? null : caller.role,
    );
    if (!found) return problemResponse(c, 'ERR_UPLOAD_NOT_FOUND');
    const { upload, file }: { upload: UploadRecord; file: FileRecord | null } = found;
    const answer: UploadStatus = {
      offset: upload.offset,
      size: upload.size,
      complete: file !== null,
    };
    return c.json(answer, 200, {
      'upload-offset': String(upload.offset),
      'upload-length': String(upload.size),
      'cache-control': 'no-store',
    });
  });

  api.get('/sessions/:id/files', hostOrParticipant, async (c) => {
    const hidden = await visible(c);
    if (hidden) return hidden;
    const list: FileList = {
      files: (await files.list(sessionIdOf(c))).map((f) => infoFor(c, f)),
      now: new Date(now()).toISOString(),
    };
    return c.json(list, 200, { 'cache-control': 'no-store' });
  });

  api.delete('/sessions/:id/files', hostOnly, async (c) => {
    const hidden = await visible(c);
    if (hidden) return hidden;
    const done = await files.cleanup.erase(sessionIdOf(c));
    if (!done.ok) return refusal(c, done);
    const answer: FilesDeleted = { deleted: done.value };
    return c.json(answer);
  });

  api.get('/files/:fileId', async (c) => {
    const fileId = c.req.param('fileId');
    const link = links.verify(fileId, c.req.query(), now());
    if (!link.ok) return problemResponse(c, link.code);
    const file = await files.get(fileId);
    if (!file) return problemResponse(c, 'ERR_FILE_NOT_FOUND');
    // A customer's link works only while the session is public: links fail closed.
    if (link.aud === 'customer') {
      const session = await sessions.get(file.sessionId);
      if (!session || session.visibility !== 'public') {
        return problemResponse(c, 'ERR_SESSION_INTERNAL');
      }
    }
    return download(c, file, files.path(file));
  });

  return api;
}

/** Streams a stored file (a single byte range when asked: browsers seek videos with it). */
async function download(c: Context, file: FileRecord, path: string): Promise<Response> {
  const size = await stat(path).then(
    (s) => s.size,
    () => null,
  );
  if (size === null) return problemResponse(c, 'ERR_FILE_NOT_FOUND');
  const headers: Record<string, string> = {
    'content-type': file.type,
    'content-disposition': disposition(file.name),
    'cache-control': 'private, max-age=300',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cross-origin-resource-policy': 'cross-origin',
    'accept-ranges': 'bytes',
  };
  let start = 0;
  let end = size - 1;
  let status: 200 | 206 = 200;
  const range = c.req.header('range');
  if (range !== undefined) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (!m || (m[1] === '' && m[2] === '')) {
      return problemResponse(c, 'ERR_RANGE_INVALID', 'one range: bytes=<from>-<to>', {
        'content-range': `bytes */${size}`,
      });
    }
    if (m[1] === '') {
      start = Math.max(0, size - Number(m[2]));
    } else {
      start = Number(m[1]);
      if (m[2] !== '') end = Math.min(end, Number(m[2]));
    }
    if (start > end || start >= size) {
      return problemResponse(c, 'ERR_RANGE_INVALID', `the file has ${size} bytes`, {
        'content-range': `bytes */${size}`,
      });
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
  }
  headers['content-length'] = String(end - start + 1);
  if (c.req.method === 'HEAD') return c.body(null, status, headers);
  const stream = Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream;
  return c.body(stream, status, headers);
}

/** `inline` with the name (an ASCII fallback, and the exact name in RFC 5987 form). */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** A refusal as a problem response; `offset` rides along for the offset conflicts. */
function refusal(c: Context, r: Refused): Response {
  const body = {
    ...problem(r.code, r.reason),
    ...(r.offset === undefined ? {} : { offset: r.offset }),
  };
  return c.body(JSON.stringify(body), body.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
    ...(r.offset === undefined ? {} : { 'upload-offset': String(r.offset) }),
  });
}
