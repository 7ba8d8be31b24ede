import { describe, expect, it } from '@jest/globals';
import {
  baseImageProblem,
  cpuProblem,
  displayNameProblem,
  iconProblem,
  memoryProblem,
  tagProblem,
  templateSpecProblem,
} from './template-rules.js';

describe('template field rules', () => {
  it('counts displayName length in characters, not UTF-16 units', () => {
    expect(displayNameProblem('Firefox')).toBeUndefined();
    expect(displayNameProblem('🦊'.repeat(128))).toBeUndefined();
    expect(displayNameProblem('x'.repeat(129))).toBe('must be 1–128 characters');
    expect(displayNameProblem('')).toBe('must be 1–128 characters');
    expect(displayNameProblem(42)).toBe('must be a string');
  });

  it('refuses any whitespace in baseImage, Unicode spaces included', () => {
    expect(baseImageProblem('lscr.io/linuxserver/firefox:latest')).toBeUndefined();
    for (const bad of ['nginx latest', 'nginx\tlatest', 'nginx\u00a0latest', 'nginx\u000blatest']) {
      expect(baseImageProblem(bad)).toBe('must not contain whitespace');
    }
    expect(baseImageProblem('x'.repeat(513))).toBe('must be 1–512 characters');
  });

  it('accepts http(s) icon URLs or an empty icon only', () => {
    expect(iconProblem('')).toBeUndefined();
    expect(iconProblem('https://example.com/a.png')).toBeUndefined();
    expect(iconProblem('http://example.com/a.png')).toBeUndefined();
    expect(iconProblem('ftp://example.com/a.png')).toBe('must be an http or https URL, or empty');
    expect(iconProblem('not a url')).toBe('must be an http or https URL, or empty');
    expect(iconProblem(`https://example.com/${'a'.repeat(2048)}`)).toBe('must be at most 2048 characters');
  });

  it('keeps default resources within the session ranges', () => {
    expect(cpuProblem('100m')).toBeUndefined();
    expect(cpuProblem('64')).toBeUndefined();
    expect(cpuProblem('99m')).toBe('must be at least 100m');
    expect(cpuProblem('64001m')).toBe('must be at most 64000m');
    expect(cpuProblem('lots')).toBe('must be a CPU quantity such as "500m" or "2"');
    expect(memoryProblem('128Mi')).toBeUndefined();
    expect(memoryProblem('512Gi')).toBeUndefined();
    expect(memoryProblem('127Mi')).toBe('must be at least 128Mi');
    expect(memoryProblem('513Gi')).toBe('must be at most 512Gi');
    expect(memoryProblem('512m')).toBe('must be a memory quantity such as "512Mi" or "2Gi"');
  });

  it('refuses quantities the API server would not store, or that would be costly to parse', () => {
    expect(cpuProblem(' 1')).toBeDefined();
    expect(cpuProblem(1)).toBeDefined();
    expect(cpuProblem('1e99999999')).toBe('must be a CPU quantity such as "500m" or "2"');
    expect(memoryProblem('1e3')).toBe('must be at least 128Mi');
  });

  it('allows tags of 1–63 characters without control characters', () => {
    expect(tagProblem('Web Browser')).toBeUndefined();
    expect(tagProblem('')).toBe('must be 1–63 characters');
    expect(tagProblem('bad\ttag')).toBe('must not contain control characters');
    expect(tagProblem('bad\u0085tag')).toBe('must not contain control characters');
  });
});

describe('templateSpecProblem', () => {
  it('finds nothing wrong with a valid spec, with or without vnc', () => {
    expect(templateSpecProblem({ displayName: 'Firefox', baseImage: 'firefox:1' })).toBeUndefined();
    expect(
      templateSpecProblem({ displayName: 'Firefox', baseImage: 'firefox:1', vnc: { port: 5900 } }),
    ).toBeUndefined();
  });

  it('reports the first problem with its field, in displayName, baseImage, vnc.port order', () => {
    expect(templateSpecProblem({ displayName: '', baseImage: 'a b' })).toBe('displayName: must be 1–128 characters');
    expect(templateSpecProblem({ displayName: 'A', baseImage: 'a\u2003b' })).toBe(
      'baseImage: must not contain whitespace',
    );
    expect(templateSpecProblem({ displayName: 'A', baseImage: 'a', vnc: { port: 70_000 } })).toBe(
      'vnc.port: must be an integer from 1 to 65535',
    );
    expect(templateSpecProblem(undefined)).toBe('displayName: must be a string');
  });
});
