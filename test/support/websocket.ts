import { WebSocket } from 'ws';

/** A client socket that records every frame (parsed) and how it closed. */
export interface RecordingSocket {
  frames: unknown[];
  /** Raw text of every frame, to check each parses on its own. */
  texts: string[];
  closed: Promise<{ code: number; reason: string }>;
  /** The next frame after the ones already taken, or an error after `timeoutMs`. */
  next(timeoutMs?: number): Promise<any>;
  close(): void;
}

export function wsUrl(httpUrl: string, path: string): string {
  return httpUrl.replace(/^http/, 'ws') + path;
}

/** Opens a WebSocket; rejects with the HTTP status and body when the upgrade is refused. */
export function openSocket(
  url: string,
  options: { protocols?: string[]; origin?: string } = {},
): Promise<RecordingSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], { origin: options.origin });
    const frames: unknown[] = [];
    const texts: string[] = [];
    const waiters: ((frame: unknown) => void)[] = [];
    let taken = 0;
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      socket.on('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    socket.on('message', (data) => {
      const text = (data as Buffer).toString();
      texts.push(text);
      frames.push(JSON.parse(text));
      waiters.shift()?.(frames[frames.length - 1]);
    });
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        reject(
          Object.assign(new Error(`refused ${response.statusCode}`), {
            status: response.statusCode,
            body: JSON.parse(body),
          }),
        ),
      );
    });
    socket.on('error', reject);
    socket.on('open', () =>
      resolve({
        frames,
        texts,
        closed,
        close: () => socket.close(),
        next: (timeoutMs = 3000) => {
          if (taken < frames.length) return Promise.resolve(frames[taken++]);
          return new Promise((frameArrived, timedOut) => {
            const timer = setTimeout(() => timedOut(new Error(`no frame within ${timeoutMs} ms`)), timeoutMs);
            waiters.push((frame) => {
              clearTimeout(timer);
              taken++;
              frameArrived(frame);
            });
          });
        },
      }),
    );
  });
}
