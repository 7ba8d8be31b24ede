import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Role } from '../../src/common/principal.js';
import { UsersService } from '../../src/users/users.service.js';

export interface TestAccount {
  id: string;
  username: string;
  password: string;
  token: string;
  /** `Authorization` header value. */
  bearer: string;
}

export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A fresh account created through the service (as an admin would), logged in over HTTP. */
export async function createAccount(
  app: INestApplication,
  url: string,
  options: { role?: Role; username?: string; email?: string } = {},
): Promise<TestAccount> {
  const username = options.username ?? uniqueName(options.role ?? 'user');
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const user = await app.get(UsersService).create({
    username,
    email: options.email ?? `${username.toLowerCase()}@example.test`,
    password,
    role: options.role ?? 'user',
  });
  const token = await login(url, username, password);
  return { id: user.id, username, password, token, bearer: `Bearer ${token}` };
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const response = await request(url).post('/api/v1/auth/login').send({ username, password }).expect(200);
  return response.body.token as string;
}
