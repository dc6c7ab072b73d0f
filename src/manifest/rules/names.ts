/**
 * Names that identify things in templates, the journal and the report must be unique — including the default
 * names unnamed entries get (step-2, verify-1), which must not collide with a name someone wrote.
 */
import { pathLabel, type PathPart } from '../positions.js';
import type { Reporter, RuleInput } from './report.js';

interface Named {
  name: string | undefined;
  /** The name the entry gets when it has none. */
  generated?: string;
}

export function checkUniqueNames({ manifest: m, report }: RuleInput): void {
  unique(['steps'], 'step', m.steps.map((s, i) => ({ name: s.name, generated: `step-${i + 1}` })), report);
  unique(
    ['verify'],
    'verify',
    (m.verify ?? []).map((v, i) => ({ name: typeof v === 'string' ? undefined : v.name, generated: `verify-${i + 1}` })),
    report,
  );
  if (!Array.isArray(m.candidates)) return;
  unique(['candidates'], 'candidate', m.candidates.map((c) => ({ name: c.name })), report);
  m.candidates.forEach((c, ci) =>
    unique(['candidates', ci, 'steps'], 'step', (c.steps ?? []).map((s, i) => ({ name: s.name, generated: `step-${i + 1}` })), report),
  );
}

function unique(list: PathPart[], kind: string, items: Named[], report: Reporter): void {
  const seen = new Map<string, number>();
  const at = (i: number) => `${pathLabel(list)}[${i}]`;
  items.forEach((item, i) => {
    const name = item.name ?? item.generated;
    if (!name) return;
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, i);
    } else if (item.name === undefined) {
      report.error([...list, i], `this unnamed ${kind} gets the default name "${name}", which ${at(first)} already uses; give it a name`);
    } else if (items[first]?.name === undefined) {
      report.error([...list, i, 'name'], `"${name}" is the default name of the unnamed ${kind} ${at(first)}; choose another name`);
    } else {
      report.error([...list, i, 'name'], `duplicate ${kind} name "${name}" (first used by ${at(first)}); ${kind} names must be unique`);
    }
  });
}
