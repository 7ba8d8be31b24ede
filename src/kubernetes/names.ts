import { createHash } from 'node:crypto';

export const HOME_VOLUME_PREFIX = 'home-';

/**
 * The one home volume of a user (api-contract §5.5): `home-<h>`. A hash suffix whenever the
 * username had to be changed beyond case, so `a.b` and `a-b` never share a volume.
 */
export function homeVolumeName(username: string): string {
  const lower = username.toLowerCase();
  let h = lower.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (h !== lower || h.length > 49) {
    const digest = createHash('sha256').update(username).digest('hex').slice(0, 8);
    h = `${h.slice(0, 49).replace(/-+$/, '')}-${digest}`;
  }
  return `${HOME_VOLUME_PREFIX}${h}`;
}
