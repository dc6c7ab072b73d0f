/** The banner `fleetmod run` prints before anything runs with `provider: host`, so nobody misses it. */
export const UNISOLATED_BANNER = [
  '',
  '!!! ============================================================================ !!!',
  '!!!  sandbox.provider: host -- steps run WITHOUT ANY ISOLATION on this machine,   !!!',
  '!!!  as your user, with your files and your network. Only for trusted code.      !!!',
  '!!! ============================================================================ !!!',
  '',
  '',
].join('\n');
