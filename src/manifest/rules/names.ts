/** Names that identify things in templates, the journal and the report must be unique. */
import type { PathPart } from '../positions.js';
import type { RuleInput } from './report.js';

export function checkUniqueNames({ manifest: m, report }: RuleInput): void {
  unique(
    m.steps.map((s, i) => ({ name: s.name, path: ['steps', i, 'name'] })),
    (name, first) => `duplicate step name "${name}" (first used by steps[${first}]); step names must be unique`,
    report.error,
  );
  unique(
    (m.verify ?? []).map((v, i) => ({ name: typeof v === 'string' ? undefined : v.name, path: ['verify', i, 'name'] })),
    (name, first) => `duplicate verify name "${name}" (first used by verify[${first}])`,
    report.error,
  );
  if (Array.isArray(m.candidates)) {
    unique(
      m.candidates.map((c, i) => ({ name: c.name, path: ['candidates', i, 'name'] })),
      (name, first) => `duplicate candidate name "${name}" (first used by candidates[${first}])`,
      report.error,
    );
    m.candidates.forEach((c, ci) =>
      unique(
        (c.steps ?? []).map((s, i) => ({ name: s.name, path: ['candidates', ci, 'steps', i, 'name'] })),
        (name, first) => `duplicate step name "${name}" (first used by candidates[${ci}].steps[${first}])`,
        report.error,
      ),
    );
  }
}

function unique(
  items: { name: string | undefined; path: PathPart[] }[],
  message: (name: string, firstIndex: number) => string,
  error: (path: readonly PathPart[], message: string) => void,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    if (!item.name) return;
    const first = seen.get(item.name);
    if (first !== undefined) error(item.path, message(item.name, first));
    else seen.set(item.name, i);
  });
}
