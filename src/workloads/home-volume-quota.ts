import { Injectable } from '@nestjs/common';
import { PlatformConfigService } from '../platform-config/platform-config.service.js';
import { storageViolation } from '../quotas/quota-rules.js';
import { QuotaService } from '../quotas/quota.service.js';
import { UsersService } from '../users/users.service.js';

/**
 * The storage quota as it applies to creating a user's home volume (api-contract §5.6, §7.4 check 6).
 * The API checks it when a session starts; the reconciler checks again because Sessions may also
 * come from other tools. Users without an account get the platform defaults (§6.2).
 */
@Injectable()
export class HomeVolumeQuota {
  constructor(
    private readonly users: UsersService,
    private readonly quotas: QuotaService,
    private readonly platform: PlatformConfigService,
  ) {}

  /** The §7.4 message when a new home volume would exceed the user's storage limit, else undefined. */
  async violation(username: string): Promise<string | undefined> {
    const needed = this.platform.settings().storage.homeSizeMib;
    const user = await this.users.findByUsername(username);
    const { maxStorageMib } = user ? await this.quotas.limits(user.id) : this.platform.quotaDefaults();
    return storageViolation(needed, maxStorageMib);
  }
}
