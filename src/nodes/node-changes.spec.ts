import { describe, expect, it } from '@jest/globals';
import type { NodeObject } from '../kubernetes/resources.js';
import {
  addTaintPatch,
  keyFromPath,
  parseLabel,
  parseTaint,
  qualifiedNameProblem,
  removeTaintPatch,
} from './node-changes.js';

const node = (spec: NodeObject['spec']): NodeObject => ({ metadata: { name: 'n1', resourceVersion: '42' }, spec });

describe('node label and taint rules (§3.8)', () => {
  it('accepts qualified names with and without a prefix', () => {
    expect(qualifiedNameProblem('kubernetes.io/hostname')).toBeUndefined();
    expect(qualifiedNameProblem('team')).toBeUndefined();
    expect(qualifiedNameProblem('Example.com/x')).toMatch(/prefix/);
    expect(qualifiedNameProblem('a/')).toMatch(/1-63/);
    expect(qualifiedNameProblem('-bad')).toMatch(/must match/);
    expect(qualifiedNameProblem('x'.repeat(64))).toMatch(/1-63/);
  });

  it('answers 400 Invalid label / Invalid taint naming the rule', () => {
    expect(parseLabel({ key: 'a/b', value: '' })).toEqual({ key: 'a/b', value: '' });
    expect(() => parseLabel({ key: 'a' })).toThrow(
      expect.objectContaining({
        status: 400,
        error: 'Invalid label',
        message: 'value is required and must be a string',
      }),
    );
    expect(() => parseLabel({ key: 'a', value: 'bad value' })).toThrow(
      expect.objectContaining({ error: 'Invalid label' }),
    );
    expect(() => parseLabel(undefined)).toThrow(expect.objectContaining({ error: 'Invalid label' }));
    expect(parseTaint({ key: 'gpu', effect: 'NoSchedule' })).toEqual({ key: 'gpu', value: '', effect: 'NoSchedule' });
    expect(() => parseTaint({ key: 'gpu', effect: 'Sometimes' })).toThrow(
      expect.objectContaining({
        status: 400,
        error: 'Invalid taint',
        message: 'effect must be one of NoSchedule, PreferNoSchedule, NoExecute',
      }),
    );
    expect(() => parseTaint({ effect: 'NoSchedule' })).toThrow(expect.objectContaining({ error: 'Invalid taint' }));
  });

  it('joins wildcard segments back into a key', () => {
    expect(keyFromPath(['kubernetes.io', 'hostname'])).toBe('kubernetes.io/hostname');
    expect(keyFromPath(['kubernetes.io/hostname'])).toBe('kubernetes.io/hostname');
  });

  it('appends a taint behind a resourceVersion test, keeping the others', () => {
    const now = new Date('2026-11-26T01:02:03.456Z');
    const existing = { key: 'a', value: 'x', effect: 'NoSchedule' };
    expect(addTaintPatch(node({ taints: [existing] }), { key: 'b', value: '', effect: 'NoExecute' }, now)).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '42' },
      {
        op: 'add',
        path: '/spec/taints',
        value: [existing, { key: 'b', effect: 'NoExecute', timeAdded: '2026-11-26T01:02:03.456Z' }],
      },
    ]);
    expect(() =>
      addTaintPatch(node({ taints: [existing] }), { key: 'a', value: 'y', effect: 'NoSchedule' }, now),
    ).toThrow(
      expect.objectContaining({
        status: 409,
        error: 'Taint already exists',
        message: "Node 'n1' already has taint a:NoSchedule",
      }),
    );
    // Same key, other effect: a different taint.
    expect(
      addTaintPatch(node({ taints: [existing] }), { key: 'a', value: '', effect: 'PreferNoSchedule' }, now)[1],
    ).toMatchObject({
      value: [existing, { key: 'a', effect: 'PreferNoSchedule' }],
    });
  });

  it('removes taints by key and optional effect; removing the unschedulable taint uncordons', () => {
    const taints = [
      { key: 'a', effect: 'NoSchedule' },
      { key: 'a', effect: 'NoExecute' },
      { key: 'b', effect: 'NoSchedule' },
    ];
    expect(removeTaintPatch(node({ taints }), 'a')[1]).toEqual({ op: 'add', path: '/spec/taints', value: [taints[2]] });
    expect(removeTaintPatch(node({ taints }), 'a', 'NoExecute')[1]).toMatchObject({ value: [taints[0], taints[2]] });
    expect(() => removeTaintPatch(node({ taints }), 'c')).toThrow(
      expect.objectContaining({ status: 404, message: "Node 'n1' has no taint with key 'c'" }),
    );
    const cordoned = node({
      unschedulable: true,
      taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
    });
    expect(removeTaintPatch(cordoned, 'node.kubernetes.io/unschedulable').slice(1)).toEqual([
      { op: 'add', path: '/spec/taints', value: [] },
      { op: 'add', path: '/spec/unschedulable', value: false },
    ]);
  });
});
