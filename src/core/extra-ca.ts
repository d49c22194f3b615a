// Adds a CA certificate to the process's default trust store, for fetch (undici), node:https and msal-node alike.
// Used for the simulator's self-made CA and for operators behind a TLS-inspecting proxy (AZSEC_CA_FILE).
// NODE_EXTRA_CA_CERTS does the same but only when set before the process starts.
import tls from 'node:tls';

const added = new Set<string>();

export function trustExtraCa(pem: string): void {
  const normalized = pem.trim();
  if (added.has(normalized)) return;
  added.add(normalized);
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), normalized]);
}
