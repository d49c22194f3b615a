// Microsoft Graph's application permissions (app roles) the checks need, with their ids, for the Azure CLI commands
// `integrations test` prints. Graph's application id is the same in every tenant.
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export const GRAPH_APP_ROLE_IDS: Readonly<Record<string, string>> = {
  'AuditLog.Read.All': 'b0afded3-3588-46d8-8b3d-9842eff778da',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'SecurityIncident.Read.All': '45cc0394-e837-488b-a098-1918f48d186c',
  'SecurityAlert.Read.All': '472e4a4d-bb4a-4026-98d1-0b0d74cb74a5',
  'IdentityRiskEvent.Read.All': '6e472fd1-ad78-48da-a0f0-97ab2c6b769e',
  'IdentityRiskyUser.Read.All': 'dc5007c0-2d7d-4c42-879c-2dab87571379',
  'SecurityEvents.Read.All': 'bf394140-e372-4bf9-a898-299cfc7564e5',
};

/** Azure CLI commands that add the permissions to the app registration and grant admin consent. */
export function azureCliGrantCommands(clientId: string, permissions: readonly string[]): string[] {
  const ids = permissions.map((p) => `${GRAPH_APP_ROLE_IDS[p] ?? p}=Role`);
  return [
    `az ad app permission add --id ${clientId} --api ${MICROSOFT_GRAPH_APP_ID} --api-permissions ${ids.join(' ')}`,
    `az ad app permission admin-consent --id ${clientId}`,
  ];
}
