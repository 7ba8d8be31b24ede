import { describe, expect, it } from '@jest/globals';
import { LogLineSplitter, MAX_LOG_LINE_BYTES } from './log-lines.js';

describe('LogLineSplitter', () => {
  it('splits at newlines and keeps an unfinished line for the next chunk', () => {
    const splitter = new LogLineSplitter();
    expect(splitter.push(Buffer.from('one\ntw'))).toEqual(['one']);
    expect(splitter.push(Buffer.from('o\nthree'))).toEqual(['two']);
    expect(splitter.end()).toEqual(['three']);
  });

  it('sends a line without a newline once it reaches 64 KiB, and holds no more than that', () => {
    const splitter = new LogLineSplitter();
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) sent.push(...splitter.push(Buffer.alloc(10_000, 'x')));
    expect(sent.length).toBe(Math.floor(400_000 / MAX_LOG_LINE_BYTES));
    for (const piece of sent) expect(Buffer.byteLength(piece)).toBe(MAX_LOG_LINE_BYTES);
    const rest = splitter.end();
    expect(rest.join('').length).toBe(400_000 - sent.length * MAX_LOG_LINE_BYTES);
  });

  it('cuts long lines between characters, never inside one', () => {
    const splitter = new LogLineSplitter();
    const line = 'é'.repeat(MAX_LOG_LINE_BYTES); // 2 bytes each
    const pieces = [...splitter.push(Buffer.from(`${line}\n`)), ...splitter.end()];
    expect(pieces.join('')).toBe(line);
    for (const piece of pieces) expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
    expect(pieces).toHaveLength(2);
  });

  it('joins a character split across chunks', () => {
    const splitter = new LogLineSplitter();
    const bytes = Buffer.from('ü\n');
    expect(splitter.push(bytes.subarray(0, 1))).toEqual([]);
    expect(splitter.push(bytes.subarray(1))).toEqual(['ü']);
  });
});
