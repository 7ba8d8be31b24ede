import { Injectable } from '@nestjs/common';

/** How often a followed pod log (`follow=true`) re-checks its reader's token and role; tests may shorten it. */
@Injectable()
export class LogFollowSettings {
  recheckIntervalMs = 30_000;
}
