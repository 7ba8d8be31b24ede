import type { ObjectList } from '../kubernetes/clients/generic-object.client.js';
import type { StoredObject } from '../kubernetes/resources.js';

/** §3.9 returns Kubernetes objects as they are, less metadata.managedFields (noise for every client). */
export function withoutManagedFields<T extends StoredObject>(object: T): T {
  if (!object.metadata || !('managedFields' in object.metadata)) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}

export function listWithoutManagedFields<T extends StoredObject>(list: ObjectList<T>): ObjectList<T> {
  return { ...list, items: list.items.map(withoutManagedFields) };
}
