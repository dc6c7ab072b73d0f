/**
 * The `if:` language of steps: comparisons of variables and string literals joined with &&, || and !, plus
 * contains(), startsWith(), endsWith(). Small on purpose, parsed at validate time so mistakes surface before a
 * run, evaluated per repo at run time.
 *
 *   if: repo.name != 'legacy' && !startsWith(repo.owner, 'archive-')
 *   if: steps.build.outcome == 'failure'
 */

export type ConditionNode =
  | { type: 'literal'; value: string | boolean; offset: number }
  /** `offset`: where the name starts in the condition text, to point an error at this use of it. */
  | { type: 'variable'; name: string; offset: number }
  | { type: 'not'; operand: ConditionNode }
  | { type: 'binary'; op: '&&' | '||' | '==' | '!='; left: ConditionNode; right: ConditionNode }
  | { type: 'call'; fn: 'contains' | 'startsWith' | 'endsWith'; args: ConditionNode[] };

export class ConditionSyntaxError extends Error {
  override readonly name = 'ConditionSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type Token = { kind: 'op' | 'ident' | 'string' | 'paren' | 'comma'; text: string; offset: number };

const FUNCTIONS = new Set(['contains', 'startsWith', 'endsWith']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === '==' || two === '!=') {
      tokens.push({ kind: 'op', text: two, offset: i });
      i += 2;
    } else if (ch === '=' ) {
      throw new ConditionSyntaxError('unexpected "="; compare with == (or !=)', i);
    } else if (ch === '<' || ch === '>') {
      throw new ConditionSyntaxError(`unexpected "${ch}"; conditions compare text with == and != only`, i);
    } else if (ch === '&' || ch === '|') {
      throw new ConditionSyntaxError(`unexpected "${ch}"; write ${ch}${ch}`, i);
    } else if (ch === '!') {
      tokens.push({ kind: 'op', text: '!', offset: i });
      i += 1;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: 'paren', text: ch, offset: i });
      i += 1;
    } else if (ch === ',') {
      tokens.push({ kind: 'comma', text: ch, offset: i });
      i += 1;
    } else if (ch === "'" || ch === '"') {
      const end = source.indexOf(ch, i + 1);
      if (end < 0) throw new ConditionSyntaxError('unterminated string', i);
      tokens.push({ kind: 'string', text: source.slice(i + 1, end), offset: i });
      i = end + 1;
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(source.slice(i));
      if (!match) {
        const hint = /\d/.test(ch) ? `; quote values: '${/^[\w.-]+/.exec(source.slice(i))?.[0] ?? ch}'` : '';
        throw new ConditionSyntaxError(`unexpected "${ch}"${hint}`, i);
      }
      tokens.push({ kind: 'ident', text: match[0], offset: i });
      i += match[0].length;
    }
  }
  return tokens;
}

export function parseCondition(source: string): ConditionNode {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const expect = (text: string) => {
    const token = tokens[pos];
    if (!token || token.text !== text) {
      throw new ConditionSyntaxError(`expected "${text}"${token ? ` but found "${token.text}"` : ' at the end'}`, token?.offset ?? source.length);
    }
    pos += 1;
  };

  const parseOr = (): ConditionNode => {
    let left = parseAnd();
    while (peek()?.text === '||') {
      pos += 1;
      left = { type: 'binary', op: '||', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): ConditionNode => {
    let left = parseNot();
    while (peek()?.text === '&&') {
      pos += 1;
      left = { type: 'binary', op: '&&', left, right: parseNot() };
    }
    return left;
  };
  const parseNot = (): ConditionNode => {
    if (peek()?.text === '!') {
      pos += 1;
      return { type: 'not', operand: parseNot() };
    }
    return parseComparison();
  };
  const parseComparison = (): ConditionNode => {
    const left = parsePrimary();
    const op = peek();
    if (op && (op.text === '==' || op.text === '!=')) {
      pos += 1;
      return { type: 'binary', op: op.text, left, right: parsePrimary() };
    }
    return left;
  };
  const parsePrimary = (): ConditionNode => {
    const token = tokens[pos];
    if (!token) throw new ConditionSyntaxError('expression ends too early', source.length);
    pos += 1;
    if (token.kind === 'string') return { type: 'literal', value: token.text, offset: token.offset };
    if (token.text === '(') {
      const inner = parseOr();
      expect(')');
      return inner;
    }
    if (token.kind === 'ident') {
      if (token.text === 'true' || token.text === 'false') return { type: 'literal', value: token.text === 'true', offset: token.offset };
      if (peek()?.text === '(') {
        if (!FUNCTIONS.has(token.text)) {
          throw new ConditionSyntaxError(`unknown function "${token.text}"; the functions are contains(), startsWith() and endsWith()`, token.offset);
        }
        pos += 1;
        const args: ConditionNode[] = [parseOr()];
        while (peek()?.kind === 'comma') {
          pos += 1;
          args.push(parseOr());
        }
        expect(')');
        if (args.length !== 2) throw new ConditionSyntaxError(`${token.text}() takes 2 arguments`, token.offset);
        return { type: 'call', fn: token.text as 'contains', args };
      }
      return { type: 'variable', name: token.text, offset: token.offset };
    }
    throw unexpected(token);
  };

  const node = parseOr();
  const rest = tokens[pos];
  if (rest) throw unexpected(rest);
  return node;
}

const WORD_OPERATORS: Readonly<Record<string, string>> = { and: '&&', or: '||', not: '!', AND: '&&', OR: '||', NOT: '!' };

function unexpected(token: Token): ConditionSyntaxError {
  const operator = WORD_OPERATORS[token.text];
  const hint = operator ? `; write ${operator}` : token.kind === 'ident' ? '; join conditions with && or ||' : '';
  return new ConditionSyntaxError(`unexpected "${token.text}"${hint}`, token.offset);
}

/** The variables a condition reads, each use with its offset, for validation against what exists. */
export function conditionVariables(node: ConditionNode): { name: string; offset: number }[] {
  switch (node.type) {
    case 'literal':
      return [];
    case 'variable':
      return [{ name: node.name, offset: node.offset }];
    case 'not':
      return conditionVariables(node.operand);
    case 'binary':
      return [...conditionVariables(node.left), ...conditionVariables(node.right)];
    case 'call':
      return node.args.flatMap(conditionVariables);
  }
}

/** Texts compared with == or != to a step's outcome (`steps.build.outcome == 'sucess'`), with their offsets. */
export function outcomeComparisons(node: ConditionNode): { step: string; value: string; offset: number }[] {
  switch (node.type) {
    case 'literal':
    case 'variable':
      return [];
    case 'not':
      return outcomeComparisons(node.operand);
    case 'call':
      return node.args.flatMap(outcomeComparisons);
    case 'binary': {
      const nested = [...outcomeComparisons(node.left), ...outcomeComparisons(node.right)];
      if (node.op !== '==' && node.op !== '!=') return nested;
      const pairs = [
        [node.left, node.right],
        [node.right, node.left],
      ] as const;
      for (const [variable, literal] of pairs) {
        // Step names may contain dots (`build.js`): the name is everything between `steps.` and `.outcome`.
        const step = variable.type === 'variable' ? /^steps\.(.+)\.outcome$/.exec(variable.name) : null;
        if (step && literal.type === 'literal' && typeof literal.value === 'string') {
          return [...nested, { step: step[1] as string, value: literal.value, offset: literal.offset }];
        }
      }
      return nested;
    }
  }
}

export function evaluateCondition(node: ConditionNode, values: Readonly<Record<string, string | undefined>>): boolean {
  return truthy(evaluate(node, values));
}

function evaluate(node: ConditionNode, values: Readonly<Record<string, string | undefined>>): string | boolean {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'variable':
      return values[node.name] ?? '';
    case 'not':
      return !truthy(evaluate(node.operand, values));
    case 'binary': {
      if (node.op === '&&') return truthy(evaluate(node.left, values)) && truthy(evaluate(node.right, values));
      if (node.op === '||') return truthy(evaluate(node.left, values)) || truthy(evaluate(node.right, values));
      const left = String(evaluate(node.left, values));
      const right = String(evaluate(node.right, values));
      return node.op === '==' ? left === right : left !== right;
    }
    case 'call': {
      const [a, b] = node.args.map((arg) => String(evaluate(arg, values))) as [string, string];
      if (node.fn === 'contains') return a.includes(b);
      if (node.fn === 'startsWith') return a.startsWith(b);
      return a.endsWith(b);
    }
  }
}

function truthy(value: string | boolean): boolean {
  return typeof value === 'boolean' ? value : value !== '' && value !== 'false';
}
