import { randomBytes } from 'node:crypto';

/**
 * A new session name (api-contract §5.5): `<user>-<template>` squeezed to a DNS label of at most
 * 51 characters, then `-` and 8 random hex characters, so `ss-<name>` stays within 63.
 */
export function newSessionName(username: string, template: string, suffix = randomBytes(4).toString('hex')): string {
  let base = `${username.toLowerCase()}-${template}`.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (base.length > 51) base = base.slice(0, 51).replace(/-+$/, '');
  return `${base || 'session'}-${suffix}`;
}
