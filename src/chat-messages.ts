/**
 * In-call chat over the data channel: a text message. Files in the chat travel as file transfers
 * (`file-transfer.ts`, purpose `chat`).
 */
import * as v from 'valibot';

/** The longest chat message, in characters. */
export const MAX_CHAT_TEXT = 4000;

export const ChatSchema = v.object({
  type: v.literal('chat'),
  /** The sender's id for the message (so both sides can refer to it). */
  id: v.pipe(v.string(), v.regex(/^[\w-]{1,64}$/)),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CHAT_TEXT)),
  /** When it was written, Unix milliseconds, by the sender's clock. */
  at: v.number(),
});
export type ChatMessage = v.InferOutput<typeof ChatSchema>;
