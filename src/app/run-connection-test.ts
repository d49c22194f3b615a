// The connection test of one stored integration (token, roles, one probe per check), as `azsec integrations test`
// and the console's Save run it: its own token request and a Graph client that does not wait long on throttling.
import { MsalTokenProvider } from '../auth/token-provider.ts';
import { cloudEndpoints } from '../config/clouds.ts';
import { integrationCredential } from '../config/integration-credential.ts';
import { GraphClient } from '../graph/graph-client.ts';
import { testConnection } from '../pipeline/connection-test.ts';
import type { ConnectionTestResult } from '../pipeline/connection-test.ts';
import type { Integration } from '../store/store.ts';
import type { App } from './open-app.ts';

export async function runConnectionTest(app: Pick<App, 'store' | 'secretKey' | 'clock'>, integration: Integration): Promise<ConnectionTestResult> {
  const endpoints = cloudEndpoints(integration.cloud, { loginUrl: integration.loginUrl, graphUrl: integration.graphUrl });
  const tokens = new MsalTokenProvider({
    loginUrl: endpoints.loginUrl,
    tenantId: integration.tenantId,
    clientId: integration.clientId,
    scope: endpoints.scope,
    credential: await integrationCredential(app.store, app.secretKey, integration),
  });
  // A probe is a single request: no long waits on throttling.
  const client = new GraphClient({ graphUrl: endpoints.graphUrl, tokens, clock: app.clock, maxRetries: 1, maxThrottleRetries: 1, maxWaitMs: 5_000 });
  return testConnection(integration, tokens, client, endpoints.unavailableChecks);
}
