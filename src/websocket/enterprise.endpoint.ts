import { Injectable } from '@nestjs/common';
import type { WebSocketEndpoint } from './websocket-endpoint.js';

/**
 * `/api/v1/ws/enterprise` (api-contract §8.6): accepted and kept alive by pings, never written
 * to — the admin node page reloads its whole view on every event, so silence is the feature.
 */
@Injectable()
export class EnterpriseEndpoint implements WebSocketEndpoint {
  readonly name = 'enterprise';
  readonly path = /^\/api\/v1\/ws\/enterprise\/?$/;
  readonly role = 'user' as const;

  open(): void {}
}
