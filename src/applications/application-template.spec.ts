import { describe, expect, it } from '@jest/globals';
import type { ApplicationInstallResource, TemplateResource } from '../kubernetes/resources.js';
import { desiredTemplate, isOwnedBy, ownerReference } from './application-template.js';

const install = (
  spec: Partial<ApplicationInstallResource['spec']>,
  labels: Record<string, string> = {},
): ApplicationInstallResource => ({
  apiVersion: 'stream.space/v1alpha1',
  kind: 'ApplicationInstall',
  metadata: { name: 'a1b2', uid: 'uid-1', generation: 2, labels },
  spec: {
    templateName: 'gimp-1234abcd',
    displayName: 'My GIMP',
    manifest: '{"displayName":"GIMP","baseImage":"gimp:1"}',
    ...spec,
  },
});

describe('the Template an ApplicationInstall asks for', () => {
  it('overlays the installation display name, description, category and icon on the manifest', async () => {
    const desired = await desiredTemplate(
      install(
        {
          description: 'Edit images',
          category: 'Graphics',
          icon: 'https://icons.example/gimp.png',
          catalogTemplateID: 7,
          installedBy: 'alice',
        },
        { 'streamspace.io/catalog-id': '7', 'streamspace.io/installed-by': 'alice' },
      ),
    );
    expect(desired).toEqual({
      spec: expect.objectContaining({
        displayName: 'My GIMP',
        description: 'Edit images',
        category: 'Graphics',
        icon: 'https://icons.example/gimp.png',
        baseImage: 'gimp:1',
      }),
      labels: {
        'app.kubernetes.io/managed-by': 'streamspace-api',
        'streamspace.io/application-install': 'a1b2',
        'streamspace.io/catalog-id': '7',
        'streamspace.io/installed-by': 'alice',
      },
    });
  });

  it('reads PascalCase manifests and full objects with a spec key', async () => {
    const desired = await desiredTemplate(
      install({
        manifest: JSON.stringify({
          kind: 'Template',
          spec: { DisplayName: 'X', BaseImage: 'x:2', VNC: { Port: 5900 } },
        }),
      }),
    );
    expect(desired).toMatchObject({
      spec: { displayName: 'My GIMP', baseImage: 'x:2', vnc: { enabled: true, port: 5900 } },
    });
  });

  it('reports why a manifest cannot become a Template', async () => {
    expect(await desiredTemplate(install({ manifest: 'nope' }))).toEqual({
      problem: expect.stringMatching(/^manifest is not valid JSON/),
    });
    expect(await desiredTemplate(install({ manifest: '{"displayName":"X"}' }))).toEqual({
      problem: expect.stringMatching(/^baseImage: /),
    });
  });

  it('owns its Template through a controller reference to this very object', () => {
    const owned = {
      metadata: { name: 't', ownerReferences: [ownerReference(install({}))] },
      spec: {},
    } as unknown as TemplateResource;
    expect(ownerReference(install({}))).toEqual({
      apiVersion: 'stream.space/v1alpha1',
      kind: 'ApplicationInstall',
      name: 'a1b2',
      uid: 'uid-1',
      controller: true,
    });
    expect(isOwnedBy(owned, install({}))).toBe(true);
    const other = { ...install({}), metadata: { ...install({}).metadata, uid: 'uid-2' } };
    expect(isOwnedBy(owned, other)).toBe(false);
    expect(isOwnedBy({ metadata: { name: 't' }, spec: {} } as unknown as TemplateResource, install({}))).toBe(false);
  });
});
