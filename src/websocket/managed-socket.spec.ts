import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import type { Principal } from '../common/principal.js';
import { ManagedSocket, type RawSocket, serialized } from './managed-socket.js';

class FakeRawSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closedWith: [number, string] | undefined;
  send(text: string) {
    this.sent.push(text);
  }
  close(code: number, reason: string) {
    this.closedWith = [code, reason];
    this.readyState = 3;
  }
  terminate() {}
  ping() {}
}

const principal = { id: 'u', username: 'alice', role: 'user', tokenId: 't', tokenExpiresAt: new Date() } as Principal;
const socketOver = (raw: FakeRawSocket, cap = 1024) =>
  new ManagedSocket(raw as unknown as RawSocket, principal, 'token', 'sessions', cap);

describe('ManagedSocket', () => {
  it('sends each message as one JSON document per frame', () => {
    const raw = new FakeRawSocket();
    const socket = socketOver(raw);
    socket.send({ type: 'a' });
    socket.send(serialized({ type: 'b' }));
    expect(raw.sent).toEqual(['{"type":"a"}', '{"type":"b"}']);
  });

  it('closes a stalled client with 1013 instead of queueing more', () => {
    const raw = new FakeRawSocket();
    const socket = socketOver(raw, 1024);
    raw.bufferedAmount = 2048;
    socket.send({ type: 'a' });
    expect(raw.sent).toEqual([]);
    expect(raw.closedWith).toEqual([1013, 'send buffer full']);
    expect(socket.isOpen).toBe(false);
  });

  it('counts pings until a pong arrives and tells listeners once when closed', () => {
    const raw = new FakeRawSocket();
    const socket = socketOver(raw);
    let closes = 0;
    socket.onClose(() => closes++);
    socket.missedPongs = 2;
    raw.emit('pong');
    expect(socket.missedPongs).toBe(0);
    raw.emit('close');
    raw.emit('close');
    expect(closes).toBe(1);
  });
});
