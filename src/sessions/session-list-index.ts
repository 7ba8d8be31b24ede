import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SessionCache } from '../kubernetes/custom-resource.cache.js';
import type { SessionResource } from '../kubernetes/resources.js';
import { SessionJson } from './session.view.js';

/** Newest first, then by name: the order of every session list (§3.3). */
export function newestFirst(a: SessionResource, b: SessionResource): number {
  return (
    Date.parse(String(b.metadata.creationTimestamp)) - Date.parse(String(a.metadata.creationTimestamp)) ||
    a.metadata.name.localeCompare(b.metadata.name)
  );
}

interface Entry {
  session: SessionResource;
  /** Serialised on first use after each change of the resource. */
  json: SessionJson | undefined | null;
}

/**
 * The Session watch cache as lists: per owner and overall, kept sorted as events arrive, each
 * session's resource part of the JSON serialised once per change. A list is a lookup.
 */
@Injectable()
export class SessionListIndex implements OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private readonly byOwner = new Map<string, Entry[]>();
  private readonly all: Entry[] = [];
  private readonly unsubscribe: () => void;

  constructor(private readonly cache: SessionCache) {
    // Subscribed before the cache starts (at bootstrap), so no event is missed.
    for (const session of cache.list()) this.put(session);
    this.unsubscribe = cache.subscribe(({ type, object }) =>
      type === 'deleted' ? this.remove(object.metadata.name) : this.put(object),
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  get isSynced(): boolean {
    return this.cache.isSynced;
  }

  /** `owner`'s sessions, or every session when undefined, newest first. */
  sessionsOf(owner: string | undefined): readonly SessionResource[] {
    return this.entriesOf(owner).map((entry) => entry.session);
  }

  /** Same, with each session's JSON maker (undefined for a session that cannot have one). */
  jsonOf(owner: string | undefined): { session: SessionResource; json: SessionJson | undefined }[] {
    return this.entriesOf(owner).map((entry) => {
      if (entry.json === null) entry.json = SessionJson.of(entry.session);
      return { session: entry.session, json: entry.json };
    });
  }

  private entriesOf(owner: string | undefined): readonly Entry[] {
    return owner === undefined ? this.all : (this.byOwner.get(owner) ?? []);
  }

  private put(session: SessionResource): void {
    this.remove(session.metadata.name);
    const entry: Entry = { session, json: null };
    this.entries.set(session.metadata.name, entry);
    insertSorted(this.all, entry);
    let owned = this.byOwner.get(session.spec.user);
    if (!owned) this.byOwner.set(session.spec.user, (owned = []));
    insertSorted(owned, entry);
  }

  private remove(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    removeSorted(this.all, entry);
    const owned = this.byOwner.get(entry.session.spec.user)!;
    removeSorted(owned, entry);
    if (owned.length === 0) this.byOwner.delete(entry.session.spec.user);
  }
}

/** Where `entry` belongs in `list` (binary search on newestFirst). */
function position(list: Entry[], entry: Entry): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (newestFirst(list[middle].session, entry.session) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function insertSorted(list: Entry[], entry: Entry): void {
  list.splice(position(list, entry), 0, entry);
}

function removeSorted(list: Entry[], entry: Entry): void {
  const at = position(list, entry);
  const index = list[at] === entry ? at : list.indexOf(entry);
  if (index >= 0) list.splice(index, 1);
}
