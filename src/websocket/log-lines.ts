import { StringDecoder } from 'node:string_decoder';

/** No frame of the logs socket holds more than this; a longer line (or one that never ends) is sent in pieces. */
export const MAX_LOG_LINE_BYTES = 64 * 1024;

/**
 * Turns a log byte stream into lines for the logs socket (§8.5): split at newlines, UTF-8
 * characters never split across chunks, and a line without a newline cut and sent once it
 * reaches 64 KiB, so a writer that never ends its line cannot grow memory.
 */
export class LogLineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  /** The lines (and 64 KiB pieces) completed by this chunk. */
  push(chunk: Buffer): string[] {
    const lines = (this.partial + this.decoder.write(chunk)).split('\n');
    const last = cutToSize(lines.pop() ?? '');
    this.partial = Buffer.byteLength(last.at(-1)!) < MAX_LOG_LINE_BYTES ? last.pop()! : '';
    return [...lines.flatMap(cutToSize), ...last];
  }

  /** What is left when the log ends. */
  end(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    return rest ? cutToSize(rest) : [];
  }
}

/** Pieces of at most MAX_LOG_LINE_BYTES, cut between characters; never empty. */
function cutToSize(line: string): string[] {
  if (Buffer.byteLength(line) <= MAX_LOG_LINE_BYTES) return [line];
  const bytes = Buffer.from(line);
  const pieces: string[] = [];
  let start = 0;
  while (bytes.length - start > MAX_LOG_LINE_BYTES) {
    let end = start + MAX_LOG_LINE_BYTES;
    while ((bytes[end] & 0xc0) === 0x80) end--; // not inside a UTF-8 sequence
    pieces.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
  }
  pieces.push(bytes.subarray(start).toString('utf8'));
  return pieces;
}
