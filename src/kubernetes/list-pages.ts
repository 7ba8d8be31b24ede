import type { ListResult } from './kubernetes-requests.js';

/** Objects per list request: big enough for few round trips, small enough for the 10 s budget. */
export const LIST_PAGE_SIZE = 500;

/** One page of a Kubernetes list: the client call with `limit` and the `continue` token filled in. */
export type ListPage<T> = (page: { limit: number; continue?: string }) => Promise<ListResult<T>>;

/** Every page of a list, LIST_PAGE_SIZE objects at a time, following `continue` to the end. */
export async function* listPages<T>(list: ListPage<T>): AsyncGenerator<ListResult<T>> {
  let next: string | undefined;
  do {
    const page = await list({ limit: LIST_PAGE_SIZE, continue: next });
    yield page;
    next = page.continue || undefined;
  } while (next);
}

/** Every object of a list. */
export async function listAll<T>(list: ListPage<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of listPages(list)) items.push(...page.items);
  return items;
}
