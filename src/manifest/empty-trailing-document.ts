/**
 * A `---` after the job with nothing but comments below it: generators and people who write Kubernetes YAML end files
 * that way, and it holds no second job, so it is not the "one job per manifest" mistake.
 */
const NOTHING_BUT_MARKERS = /^(\s*(#.*)?|---\s*(#.*)?|\.\.\.\s*(#.*)?)$/;

/** Whether everything from `offset` (where the parser saw another document start) on is empty of YAML content. */
export function isEmptyTrailingDocument(text: string, offset: number): boolean {
  return text
    .slice(offset)
    .split(/\r?\n/)
    .every((line) => NOTHING_BUT_MARKERS.test(line));
}
