/** change.commit.author: one rule for "Name <email>" and {name, email}, the one git applies when it commits. */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest/load.js';

async function authorErrors(author: string): Promise<string[]> {
  const text = ['name: a', 'repos: [acme/api]', 'steps:', '  - run: echo', 'change:', '  branch: b', '  commit:', '    message: m', `    author: ${author}`, ''].join('\n');
  const loaded = await parseManifest(text, { file: '/jobs/job.yaml' });
  return loaded.errors.map((d) => `${d.line}:${d.col}: ${d.message}`);
}

describe('change.commit.author', () => {
  it.each([
    '"fleetmod <bot@localhost>"',
    '"github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"',
    '{name: fleetmod, email: bot@localhost}',
    '{name: "github-actions[bot]", email: "41898282+github-actions[bot]@users.noreply.github.com"}',
    '{name: "J. R. Smith", email: jr@example.com}',
  ])('accepts %s', async (author) => {
    expect(await authorErrors(author)).toEqual([]);
  });

  it.each([
    ['" <bot@example.com>"', '9:13: change.commit.author: the author name is empty; write a name'],
    ['"., <bot@example.com>"', `9:13: change.commit.author: the author name ".," is empty once git drops spaces and . , : ; " ' \\ at its ends; write a name`],
    ['{name: " ", email: bot@example.com}', '9:20: change.commit.author.name: the author name is empty; write a name'],
    ['{name: "..", email: bot@example.com}', `9:20: change.commit.author.name: the author name ".." is empty once git drops spaces and . , : ; " ' \\ at its ends; write a name`],
    ['{name: bot, email: "bot at example"}', '9:32: change.commit.author.email: "bot at example" is not an email address (expected name@domain, without spaces or < >)'],
    ['"bot <bot at example>"', '9:13: change.commit.author: "bot at example" is not an email address (expected name@domain, without spaces or < >)'],
    ['"bot@example.com"', '9:13: change.commit.author: expected "Name <email@example.com>", got "bot@example.com"'],
  ])('refuses %s', async (author, message) => {
    expect(await authorErrors(author)).toEqual([message]);
  });
});
