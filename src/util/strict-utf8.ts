/** Text that is valid UTF-8, decoded; undefined when it is not (where a lenient decode would replace bytes). */
export function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
