/**
 * How fleetmod reaches E2B: the API key and endpoints from the CLI's environment (not the process's, so a test
 * or an embedding program decides), bound to one SDK client. The SDK reads its connection-pool sizes
 * (E2B_ENVD_RPC_CONNECTIONS, …) from process.env itself.
 */
import { E2B } from 'e2b';

export interface E2bConnection {
  apiKey?: string;
  /** Control plane, e.g. https://api.e2b.app (E2B_API_URL). */
  apiUrl?: string;
  /** envd origin for every sandbox (E2B_SANDBOX_URL); required whenever apiUrl points somewhere non-standard. */
  sandboxUrl?: string;
  domain?: string;
  /**
   * The SDK's deadline for one request (its default: 60 s). Also the shortest deadline fleetmod gives a transfer
   * of a checkout or a diff (transferTimeoutMs). Not read from the environment; set by tests and embedding programs.
   */
  requestTimeoutMs?: number;
}

export function e2bConnectionFromEnv(env: NodeJS.ProcessEnv): E2bConnection {
  return {
    ...(env.E2B_API_KEY && { apiKey: env.E2B_API_KEY }),
    ...(env.E2B_API_URL && { apiUrl: env.E2B_API_URL }),
    ...(env.E2B_SANDBOX_URL && { sandboxUrl: env.E2B_SANDBOX_URL }),
    ...(env.E2B_DOMAIN && { domain: env.E2B_DOMAIN }),
  };
}

export function createE2bClient(connection: E2bConnection): E2B {
  return new E2B({ ...connection, debug: false });
}

export function describeEndpoint(connection: E2bConnection): string {
  return connection.apiUrl ?? `https://api.${connection.domain ?? 'e2b.app'}`;
}
