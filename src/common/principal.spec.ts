import { describe, expect, it } from '@jest/globals';
import { hasRole, mayActOn } from './principal.js';

describe('roles and ownership', () => {
  it('orders roles strictly: admin ⊇ operator ⊇ user', () => {
    expect(hasRole({ role: 'admin' }, 'operator')).toBe(true);
    expect(hasRole({ role: 'operator' }, 'operator')).toBe(true);
    expect(hasRole({ role: 'operator' }, 'admin')).toBe(false);
    expect(hasRole({ role: 'user' }, 'operator')).toBe(false);
    expect(hasRole({ role: 'user' }, 'user')).toBe(true);
  });

  it('lets a user act only on their own things, operators and admins on everyone’s', () => {
    expect(mayActOn({ role: 'user', username: 'alice' }, 'alice')).toBe(true);
    expect(mayActOn({ role: 'user', username: 'alice' }, 'Alice')).toBe(false);
    expect(mayActOn({ role: 'operator', username: 'olga' }, 'alice')).toBe(true);
  });
});
