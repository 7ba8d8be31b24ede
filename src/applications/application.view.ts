import type { AccessLevel } from './application-access.js';

/** An `installed_applications` row joined with its catalog display name. */
export interface ApplicationRow {
  id: string;
  catalogTemplateId: number;
  name: string;
  templateName: string;
  templateDisplayName: string;
  displayName: string;
  description: string;
  category: string;
  appType: 'desktop' | 'webapp';
  iconUrl: string;
  manifest: Record<string, unknown>;
  folderPath: string;
  enabled: boolean;
  configuration: Record<string, unknown>;
  platform: 'kubernetes';
  installStatus: 'pending' | 'creating' | 'installed' | 'failed';
  installMessage: string;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** ApplicationGroupAccess of api-contract §4.8. */
export interface ApplicationGroupAccessView {
  id: string;
  applicationId: string;
  groupId: string;
  accessLevel: AccessLevel;
  groupName: string;
  groupDisplayName: string;
  createdAt: string;
}

/** InstalledApplication of api-contract §4.8: the row's fields, with the icon under its wire name and times as text. */
export type InstalledApplicationView = Omit<ApplicationRow, 'iconUrl' | 'manifest' | 'createdAt' | 'updatedAt'> & {
  icon: string;
  createdAt: string;
  updatedAt: string;
  manifest?: string;
  groups?: ApplicationGroupAccessView[];
};

export function toApplicationView(
  row: ApplicationRow,
  extras: { groups?: ApplicationGroupAccessView[]; withManifest?: boolean } = {},
): InstalledApplicationView {
  return {
    id: row.id,
    catalogTemplateId: row.catalogTemplateId,
    name: row.name,
    templateName: row.templateName,
    templateDisplayName: row.templateDisplayName,
    displayName: row.displayName,
    description: row.description,
    category: row.category,
    appType: row.appType,
    icon: row.iconUrl,
    folderPath: row.folderPath,
    enabled: row.enabled,
    configuration: row.configuration,
    platform: row.platform,
    installStatus: row.installStatus,
    installMessage: row.installMessage,
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    ...(extras.withManifest && { manifest: JSON.stringify(row.manifest) }),
    ...(extras.groups && { groups: extras.groups }),
  };
}
