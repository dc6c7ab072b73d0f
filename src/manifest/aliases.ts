/**
 * YAML anchors and aliases (`&cmd` … `*cmd`) are expanded when the document becomes plain data. The YAML library
 * throws a bare ReferenceError there for an alias without an anchor and for an alias bomb (a few lines that expand
 * to millions of values); this turns both into a syntax error at the alias.
 */
import { visit, type Alias, type Document } from 'yaml';

export type PlainData = { ok: true; value: unknown } | { ok: false; offset: number; message: string };

/** `doc.toJS()`, or where and why its aliases cannot be expanded. At most `maxAliasCount` values per alias. */
export function toPlainData(doc: Document, maxAliasCount: number): PlainData {
  // Nearly every manifest expands: the passes that find the faulty alias run only when expanding failed.
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount }) };
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
  }
  let unresolved: Alias | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      unresolved = alias;
      return visit.BREAK;
    },
  });
  if (unresolved) {
    const name = unresolved.source;
    return { ok: false, offset: start(unresolved), message: `YAML syntax: alias *${name} has no anchor &${name} before it` };
  }

  // The library's error does not say which alias went over the limit: each alias notes the first one that threw
  // (the innermost, as the error passes up through the aliases that contain it), and the expansion runs again.
  let tooLarge: Alias | undefined;
  visit(doc, {
    Alias(_, alias) {
      const expand = alias.toJSON.bind(alias);
      alias.toJSON = (arg, ctx) => {
        try {
          return expand(arg, ctx);
        } catch (err) {
          tooLarge ??= alias;
          throw err;
        }
      };
    },
  });
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount }) };
  } catch (err) {
    if (!(err instanceof ReferenceError) || !tooLarge) throw err;
    return {
      ok: false,
      offset: start(tooLarge),
      message: `YAML syntax: alias *${tooLarge.source} expands to too many values (aliases inside anchored values multiply); write the values out`,
    };
  }
}

function start(alias: Alias): number {
  return alias.range?.[0] ?? 0;
}
