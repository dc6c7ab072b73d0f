import { describe, expect, it } from 'vitest';
import { referencesIn, renderTemplate } from '../../src/manifest/template.js';

describe('templates', () => {
  it('renders variables, keeps unknown ones empty, and turns \\{{ into a literal {{', () => {
    const text = 'fleetmod/{{ job.name }}-{{repo.name}} ${{ x }} $\\{{ secrets.NPM_TOKEN }}';

    expect(renderTemplate(text, { 'job.name': 'lint', 'repo.name': 'api' })).toBe('fleetmod/lint-api $ ${{ secrets.NPM_TOKEN }}');
  });

  it('finds references with their exact text, and flags malformed and unclosed placeholders', () => {
    const refs = referencesIn('a {{ repo.name }} b {{ repo.name | upper }} c \\{{ not.me }} d {{ job.name');

    expect(refs.map((r) => [r.raw, r.variable, r.malformed, r.unclosed])).toEqual([
      ['{{ repo.name }}', 'repo.name', false, false],
      ['{{ repo.name | upper }}', 'repo.name | upper', true, false],
      ['{{ job.name', 'job.name', true, true],
    ]);
  });

  it('reports an opening {{ that runs into the next placeholder as unclosed', () => {
    const refs = referencesIn('{{ repo.name {{ job.name }}');

    expect(refs.map((r) => [r.raw, r.unclosed])).toEqual([
      ['{{ repo.name {{ job.name }}', true],
      ['{{ job.name }}', false],
    ]);
  });
});
