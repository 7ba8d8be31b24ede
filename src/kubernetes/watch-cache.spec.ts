import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { WatchEventType, WatchHandle } from './watch-cache.js';
import type { StoredObject } from './resources.js';
import { eventually } from '../../test/support/eventually.js';
import {
  type CacheEvent,
  WatchCache,
  type WatchCacheTiming,
  type WatchSource,
  withoutWriteBookkeeping,
} from './watch-cache.js';

type Obj = StoredObject & { data?: string };

const obj = (name: string, resourceVersion: string, data = ''): Obj => ({
  metadata: { name, resourceVersion },
  data,
});

interface OpenWatch {
  query: Record<string, unknown>;
  send: (type: WatchEventType, object: Obj & { code?: number }) => void;
  end: (error?: unknown) => void;
  aborted: boolean;
}

/** A scripted API server: lists return `items`, watches are handed to the test to drive. */
class FakeSource implements WatchSource<Obj> {
  items: Obj[] = [];
  resourceVersion = '1';
  lists = 0;
  failLists = 0;
  watches: OpenWatch[] = [];

  async list() {
    this.lists++;
    if (this.failLists > 0) {
      this.failLists--;
      throw new Error('connection refused');
    }
    return { items: structuredClone(this.items), resourceVersion: this.resourceVersion };
  }

  async watch(
    query: Record<string, unknown>,
    onEvent: (type: WatchEventType, object: Obj) => void,
    onDone: (error?: unknown) => void,
  ): Promise<WatchHandle> {
    const watch: OpenWatch = { query, send: onEvent, end: onDone, aborted: false };
    this.watches.push(watch);
    return { abort: () => (watch.aborted = true) };
  }

  get current(): OpenWatch {
    return this.watches[this.watches.length - 1];
  }
}

const FAST: WatchCacheTiming = {
  relistIntervalMs: 60_000,
  watchTimeoutSeconds: 60,
  watchdogMs: 200,
  backoffInitialMs: 10,
  backoffMaxMs: 40,
};

describe('WatchCache', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let cache: WatchCache<Obj> | undefined;
  afterEach(() => cache?.stop());

  function startCache(source: FakeSource, timing = FAST) {
    cache = new WatchCache<Obj>('things', source, timing);
    const events: CacheEvent<Obj>[] = [];
    cache.subscribe((event) => events.push(event));
    cache.start();
    return { cache, events };
  }

  it('lists, becomes ready, then watches from the list resourceVersion', async () => {
    const source = new FakeSource();
    source.items = [obj('a', '5'), obj('b', '6')];
    source.resourceVersion = '7';
    const { cache, events } = startCache(source);
    await cache.ready;
    expect(
      cache
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(events.map((e) => e.type)).toEqual(['added', 'added']);
    await eventually(() =>
      expect(source.current?.query).toMatchObject({ resourceVersion: '7', allowWatchBookmarks: true }),
    );
  });

  it('applies watch events and resumes from the last version when the server ends a watch', async () => {
    const source = new FakeSource();
    const { cache, events } = startCache(source);
    await eventually(() => expect(source.watches).toHaveLength(1));
    source.current.send('ADDED', obj('a', '2', 'one'));
    source.current.send('MODIFIED', obj('a', '3', 'two'));
    source.current.send('BOOKMARK', obj('', '4'));
    expect(cache.get('a')?.data).toBe('two');
    source.current.end();
    await eventually(() => expect(source.watches).toHaveLength(2));
    expect(source.current.query.resourceVersion).toBe('4');
    expect(source.lists).toBe(1);
    source.current.send('DELETED', obj('a', '5'));
    expect(cache.get('a')).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['added', 'modified', 'deleted']);
  });

  it('relists on 410 Gone and reports what changed meanwhile', async () => {
    const source = new FakeSource();
    source.items = [obj('a', '2'), obj('b', '3')];
    const { cache, events } = startCache(source);
    await eventually(() => expect(source.watches).toHaveLength(1));
    source.items = [obj('a', '9', 'changed'), obj('c', '10')];
    source.resourceVersion = '10';
    source.current.send('ERROR', { metadata: { name: '' }, code: 410 });
    await eventually(() => expect(source.lists).toBe(2));
    await eventually(() =>
      expect(
        cache
          .list()
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(['a', 'c']),
    );
    expect(cache.get('a')?.data).toBe('changed');
    expect(
      events
        .slice(2)
        .map((e) => `${e.type}:${e.object.metadata.name}`)
        .sort(),
    ).toEqual(['added:c', 'deleted:b', 'modified:a']);
  });

  it('restarts with back-off after errors and becomes ready once the server answers', async () => {
    const source = new FakeSource();
    source.failLists = 3;
    source.items = [obj('a', '2')];
    const { cache } = startCache(source);
    await cache.ready;
    expect(source.lists).toBe(4);
    expect(cache.restarts).toBe(3);
    expect(cache.get('a')).toBeDefined();
  });

  it('ends a silent watch (half-open connection) and starts over', async () => {
    const source = new FakeSource();
    const { cache } = startCache(source);
    await eventually(() => expect(source.watches).toHaveLength(1));
    const silent = source.current;
    await eventually(() => expect(source.watches.length).toBeGreaterThanOrEqual(2), 5000);
    expect(silent.aborted).toBe(true);
    expect(cache.restarts).toBeGreaterThanOrEqual(1);
  });

  it('serves its own writes at once but never replaces a newer version', async () => {
    const source = new FakeSource();
    const { cache } = startCache(source);
    await eventually(() => expect(source.watches).toHaveLength(1));
    cache.applyWrite('upsert', obj('a', '5', 'written'));
    expect(cache.get('a')?.data).toBe('written');
    source.current.send('ADDED', obj('a', '4', 'stale event'));
    expect(cache.get('a')?.data).toBe('written');
    source.current.send('MODIFIED', obj('a', '6', 'newer'));
    cache.applyWrite('upsert', obj('a', '5', 'late write answer'));
    expect(cache.get('a')?.data).toBe('newer');
  });

  it('forgets a deleted object at once and ignores stale events for it', async () => {
    const source = new FakeSource();
    source.items = [obj('a', '2')];
    const { cache } = startCache(source);
    await eventually(() => expect(source.watches).toHaveLength(1));
    cache.applyWrite('delete', obj('a', '3'));
    expect(cache.get('a')).toBeUndefined();
    source.current.send('MODIFIED', obj('a', '3', 'stale'));
    expect(cache.get('a')).toBeUndefined();
    source.current.send('ADDED', obj('a', '8', 'recreated'));
    expect(cache.get('a')?.data).toBe('recreated');
  });
});

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

describe('withoutWriteBookkeeping', () => {
  it('drops managedFields and the last-applied annotation, keeping every other annotation', () => {
    const object = {
      metadata: {
        name: 'a',
        resourceVersion: '7',
        managedFields: [{ manager: 'kubectl' }],
        annotations: { [LAST_APPLIED]: '{"big":"copy"}', keep: 'me' },
      },
      spec: { user: 'alice' },
    };
    expect(withoutWriteBookkeeping(object)).toEqual({
      metadata: { name: 'a', resourceVersion: '7', annotations: { keep: 'me' } },
      spec: { user: 'alice' },
    });
    expect(object.metadata.managedFields).toHaveLength(1);
  });

  it('leaves no empty annotations behind and returns untouched objects as they are', () => {
    expect(withoutWriteBookkeeping({ metadata: { name: 'a', annotations: { [LAST_APPLIED]: '{}' } } })).toEqual({
      metadata: { name: 'a' },
    });
    const plain = { metadata: { name: 'b', annotations: { keep: 'me' } } };
    expect(withoutWriteBookkeeping(plain)).toBe(plain);
    expect(withoutWriteBookkeeping({ metadata: { name: 'c', managedFields: [] } })).toEqual({
      metadata: { name: 'c' },
    });
  });
});
