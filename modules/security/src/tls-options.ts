import type { SecurityBundle } from './bundle.js';

/**
 * Options for `https.createServer`, `http2.createSecureServer` or `tls.createServer`: the
 * bundle's server key and certificate, chained with the CA so clients that only know the CA verify
 * it. TLS 1.2 is the floor.
 */
export function tlsServerOptions(bundle: SecurityBundle): {
  key: string;
  cert: string;
  minVersion: 'TLSv1.2';
} {
  return {
    key: bundle.serverKey,
    cert: `${bundle.serverCert.trimEnd()}\n${bundle.caCert}`,
    minVersion: 'TLSv1.2',
  };
}

/** Options for a client (`https.request`, `tls.connect`, undici's `connect`) trusting the bundle's CA. */
export function tlsClientOptions(bundle: SecurityBundle): { ca: string } {
  return { ca: bundle.caCert };
}
