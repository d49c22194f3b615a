// The credential of an integration, opened from its sealed secret: the client secret, or the certificate's private
// key with the (public) certificate kept on the integration.
import type { Credential } from '../auth/token-provider.ts';
import { AzsecError } from '../core/errors.ts';
import type { Integration, Store } from '../store/store.ts';
import { openSecret } from './secrets.ts';

export async function integrationCredential(store: Store, secretKey: Buffer, integration: Integration): Promise<Credential> {
  const sealed = await store.getSecret(integration.name);
  if (sealed === null) throw new AzsecError('ERR_SECRET_KEY', `No stored credential for integration "${integration.name}"`);
  const plaintext = openSecret(secretKey, sealed, integration.name);
  return integration.credentialKind === 'certificate'
    ? { kind: 'certificate', privateKeyPem: plaintext, certificatePem: integration.certificatePem ?? '' }
    : { kind: 'secret', secret: plaintext };
}
