import { describe, expect, it } from '@jest/globals';
import type { TemplateResource } from '../kubernetes/resources.js';
import { owningApplicationInstall, toTemplateView } from './template.view.js';

const minimal: TemplateResource = {
  apiVersion: 'stream.space/v1alpha1',
  kind: 'Template',
  metadata: { name: 'firefox', namespace: 'streamspace', creationTimestamp: '2025-11-20T10:00:00Z' as unknown as Date },
  spec: { displayName: 'Firefox', baseImage: 'firefox:1' },
};

describe('toTemplateView', () => {
  it('fills every key of the Template shape with the schema defaults', () => {
    expect(toTemplateView(minimal, 0)).toEqual({
      name: 'firefox',
      namespace: 'streamspace',
      displayName: 'Firefox',
      description: '',
      category: 'Other',
      appType: 'desktop',
      icon: '',
      baseImage: 'firefox:1',
      defaultResources: {},
      ports: [],
      env: [],
      vnc: { enabled: true, port: 3000 },
      capabilities: [],
      tags: [],
      featured: false,
      usageCount: 0,
      valid: null,
      statusMessage: '',
      applicationId: null,
      createdAt: '2025-11-20T10:00:00.000Z',
    });
  });

  it('gives ports a name and protocol, and reports status and usage', () => {
    const view = toTemplateView(
      {
        ...minimal,
        spec: {
          ...minimal.spec,
          ports: [{ containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }],
          vnc: { enabled: false },
        },
        status: { valid: false, message: 'baseImage: must not contain whitespace' },
      },
      7,
    );
    expect(view.ports).toEqual([
      { name: '', containerPort: 8080, protocol: 'TCP' },
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
    ]);
    expect(view.vnc).toEqual({ enabled: false, port: 3000 });
    expect(view).toMatchObject({
      usageCount: 7,
      valid: false,
      statusMessage: 'baseImage: must not contain whitespace',
    });
  });

  it('names the owning ApplicationInstall as applicationId, ignoring other owners', () => {
    const owned = (kind: string, apiVersion = 'stream.space/v1alpha1'): TemplateResource => ({
      ...minimal,
      metadata: { ...minimal.metadata, ownerReferences: [{ apiVersion, kind, name: 'a1b2', uid: 'u' }] },
    });
    expect(toTemplateView(owned('ApplicationInstall'), 0).applicationId).toBe('a1b2');
    expect(owningApplicationInstall(owned('ConfigMap', 'v1'))).toBeNull();
    expect(owningApplicationInstall(owned('ApplicationInstall', 'other.io/v1'))).toBeNull();
  });
});
