import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { MfaController } from './mfa.controller.js';
import { Authenticator } from './authenticator.js';
import { LoginThrottle } from './login-throttle.js';
import { RevokedTokenEntity } from './revoked-token.entity.js';
import { SetupService } from './setup.service.js';
import { TokenService } from './token.service.js';
import { WebSocketAuthenticator } from './websocket-authenticator.js';

/** Identity for every route: the global AuthGuard, tokens, login and setup, WebSocket admission. */
@Module({
  imports: [TypeOrmModule.forFeature([RevokedTokenEntity]), UsersModule],
  controllers: [AuthController, MfaController],
  providers: [
    TokenService,
    Authenticator,
    AuthService,
    SetupService,
    WebSocketAuthenticator,
    LoginThrottle,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [Authenticator, WebSocketAuthenticator, TokenService],
})
export class AuthModule {}
