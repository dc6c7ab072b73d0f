/**
 * `change.commit.author`, one rule for both of its forms ("Name <email>" and {name, email}): what git accepts when
 * it commits, checked at validate time so a bad author does not fail every repository at its commit. The rules are
 * regular expressions so that the JSON Schema carries them too; the messages say which part is wrong.
 */
import { z } from 'zod';

/** What git trims from both ends of a name (its ident "crud"); a name of nothing else is refused at commit time. */
const CRUD = `\\s.,:;"'\\\\<>`;
const NAME = `[^<>\\n]*[^${CRUD}][^<>\\n]*`;
/** Anything@anything without spaces or angle brackets: git takes any such address, `bot@localhost` included. */
const EMAIL = '[^<>@\\s]+@[^<>\\s]+';

export function authorNameProblem(name: string): string | undefined {
  if (/[<>\n]/.test(name)) return `the author name "${name}" cannot contain < or > or a line break`;
  if (name.trim() === '') return 'the author name is empty; write a name';
  if (!new RegExp(`^${NAME}$`).test(name)) return `the author name "${name}" is empty once git drops spaces and . , : ; " ' \\ at its ends; write a name`;
  return undefined;
}

export function authorEmailProblem(email: string): string | undefined {
  return new RegExp(`^${EMAIL}$`).test(email) ? undefined : `"${email}" is not an email address (expected name@domain, without spaces or < >)`;
}

/** The string form's name and email, or why it is not one. */
export function splitAuthor(text: string): { name: string; email: string } | { problem: string } {
  const match = /^([^<>]*)<([^<>]*)>$/.exec(text);
  if (!match) return { problem: `expected "Name <email@example.com>", got "${text}"` };
  const name = (match[1] as string).trim();
  const email = match[2] as string;
  const problem = authorNameProblem(name) ?? authorEmailProblem(email);
  return problem ? { problem } : { name, email };
}

function stringFormProblem(text: string): string {
  const split = splitAuthor(text);
  return 'problem' in split ? split.problem : `expected "Name <email@example.com>", got "${text}"`;
}

export const Author = z
  .union([
    z.string().regex(new RegExp(`^${NAME}<${EMAIL}>$`), { error: (issue) => stringFormProblem(String(issue.input)) }),
    z.strictObject({
      name: z.string().regex(new RegExp(`^${NAME}$`), { error: (issue) => authorNameProblem(String(issue.input)) }).describe('Author name.'),
      email: z.string().regex(new RegExp(`^${EMAIL}$`), { error: (issue) => authorEmailProblem(String(issue.input)) }).describe('Author email.'),
    }),
  ])
  .describe('Commit author, "Name <email>" or {name, email} (default: fleetmod <fleetmod@localhost>).');
