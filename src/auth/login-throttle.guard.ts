import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';

/**
 * Two budgets for POST /auth/login (§1.5): per client address (`req.ip`, which honours
 * TRUST_PROXY) and per username (case-insensitive), so neither spraying one account from many
 * addresses nor many accounts from one address goes unbounded. A username over its budget stays
 * blocked for five minutes. Counters live in this replica's memory.
 */
@Injectable()
export class LoginThrottleGuard implements CanActivate {
  private readonly perAddress: RateLimiterMemory;
  private readonly perUsername: RateLimiterMemory;

  constructor(config: AppConfig) {
    const { perAddress, perUsername } = config.loginAttemptsPerMinute;
    this.perAddress = new RateLimiterMemory({ keyPrefix: 'login-address', points: perAddress, duration: 60 });
    this.perUsername = new RateLimiterMemory({
      keyPrefix: 'login-username',
      points: perUsername,
      duration: 60,
      blockDuration: 300,
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const username = (request.body as { username?: unknown } | undefined)?.username;
    try {
      await this.perAddress.consume(request.ip ?? 'unknown');
      if (typeof username === 'string') await this.perUsername.consume(username.toLowerCase());
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new ApiError(429, 'Too many attempts', `Too many login attempts; try again in ${retryAfter} seconds`, {
        retryAfter,
      });
    }
    return true;
  }
}
