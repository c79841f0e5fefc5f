/**
 * The text layout the pipeline's models are trained on (core's `formatProblem`): "Question: …\nAnswer:"
 * followed by the answer and the end-of-sequence token. A chat is laid out as a run of such turns, so a
 * user message is asked the way the model learned to answer.
 */

/** One chat turn, OpenAI-style; laid out by {@link chatPrompt}. */
export interface ChatMessage {
  /** `system` text goes first as is, `user` becomes a Question, `assistant` an Answer. */
  readonly role: 'system' | 'user' | 'assistant';
  /** The message text. */
  readonly content: string;
}

/** The prompt for a chat: system text first, then one Question/Answer turn per exchange, open at the end. */
export function chatPrompt(messages: readonly ChatMessage[]): string {
  const parts: string[] = [];
  for (const message of messages) {
    if (message.role === 'system') parts.push(`${message.content}\n`);
    else if (message.role === 'user') parts.push(`Question: ${message.content}\nAnswer:`);
    else parts.push(` ${message.content.trim()}\n`);
  }
  const last = messages[messages.length - 1];
  // A chat that ends on the assistant's turn (or system text) is continued as a new answer.
  if (last?.role !== 'user') parts.push('Answer:');
  return parts.join('');
}

/** Where an answer ends when the model runs on into a new question instead of emitting end-of-sequence. */
export const CHAT_STOP_STRINGS: readonly string[] = ['\nQuestion:'];
