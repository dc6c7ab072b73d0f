/**
 * The starter job `fleetmod init` writes: every section present and commented, a no-op step, and the
 * yaml-language-server line so the editor completes and checks keys from the first keystroke. It validates as is.
 */
import { branchNameProblem } from './git-ref.js';
import { NAME_PATTERN } from './schema-fields.js';

/** The starter's `change.branch` is `fleetmod/{{ job.name }}`: the branch every repository gets. */
const starterBranch = (name: string) => `fleetmod/${name}`;

/**
 * Why `name` cannot name a starter job, or undefined. The name must match the manifest's pattern and, since the
 * starter's branch contains it, make a branch git accepts (`a..b`, `x.lock` and `x.` pass the pattern only).
 */
export function starterNameProblem(name: string): string | undefined {
  if (!new RegExp(NAME_PATTERN).test(name)) return 'use lower-case letters, digits, ".", "_" and "-" (e.g. "rename-fetch")';
  const branch = branchNameProblem(starterBranch(name));
  return branch && `its branch "${starterBranch(name)}" is not valid (${branch}); choose another name`;
}

export interface StarterOptions {
  /** The job name (a valid manifest name). */
  name: string;
  /** Path of the JSON Schema as seen from the new file's folder. */
  schemaPath: string;
  /** The file name as the user will type it in commands. */
  fileName: string;
}

export function starterManifest({ name, schemaPath, fileName }: StarterOptions): string {
  return `# yaml-language-server: $schema=${schemaPath}
#
# A fleetmod job. Edit it, then:
#   fleetmod validate ${fileName}   every problem at once, with line and column
#   fleetmod plan ${fileName}       which repositories, which are skipped, how long the pull requests take
#   fleetmod run ${fileName}        run it; run it again to resume (finished repositories are not redone)
# Every key is described in the JSON Schema above (hover in your editor) and in the README.
name: ${name}
description: Describe the change in one sentence.

# Where the change goes: GitHub owner/name, git URLs, local paths, file lists and GitHub selectors.
repos:
  - your-org/your-repo
  # - ./checkouts/other-repo              # a local path, relative to this file
  # - file: repos.txt                      # one repository per line, # comments
  # - github: {org: your-org, topics: [backend], exclude: ["*-legacy"]}

# Where the steps run: local (bubblewrap, the default), e2b (cloud) or host (NO isolation; trusted code only).
sandbox:
  provider: local
  timeout: 10m
  network: false                           # or true, or a list of hosts: [registry.npmjs.org]
  # secrets: [NPM_TOKEN]                   # host variables passed in; values are never stored or logged

# The transformation, in order, with bash -eo pipefail in the repository checkout: a failing command fails the
# repository (grep that finds nothing too, hence || true below). A step that changes nothing is fine.
steps:
  - name: change
    run: |
      echo "edit the steps of ${name}: nothing is changed yet"
      # e.g. (grep -rl oldName src || true) | xargs -r sed -i 's/oldName/newName/g'

# Commands that must succeed after the steps for the change to count, e.g. the repository's tests.
verify:
  - "true"

change:
  branch: ${starterBranch('{{ job.name }}')}
  commit:
    message: |
      Describe the change in {{ repo.name }}
    # signing-key: ~/.ssh/fleetmod_signing  # sign the commits with an SSH key (README: Signed commits)
  # With a pr section a pull request is opened per repository (GitHub; needs GITHUB_TOKEN).
  # pr:
  #   title: "chore: describe the change"
  #   body: Made by fleetmod job {{ job.name }}, run {{ run.id }}.
  #   labels: [fleetmod]

limits:
  concurrency: 4                           # repositories at once
  # pr-rate: 60/hour                       # pace of new pull requests
  # window: "22:00-06:00"                  # only start repositories at night
`;
}
