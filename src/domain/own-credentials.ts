/**
 * fleetmod's own credentials, read from the host environment: the GitHub token or App key that pushes and opens
 * pull requests, and the E2B API key that creates (and kills) sandboxes on the account. They stay on the host: every
 * stored line is censored of them, and no sandbox gets one, not even when a manifest names it in sandbox.secrets.
 */
export const OWN_CREDENTIAL_NAMES: readonly string[] = ['GITHUB_TOKEN', 'GH_TOKEN', 'E2B_API_KEY', 'GITHUB_APP_PRIVATE_KEY'];
