import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeXml, markdownCode, markdownFence, markdownText, safeUrl, stripControl } from '../../../src/report/escape.js';

describe('escaping', () => {
  it('strips terminal escape sequences and control characters, keeps tabs and newlines', () => {
    expect(stripControl('\u001b[31mred\u001b[0m\tok\r\n\u001b]0;title\u0007x\u0000\u0008y')).toBe('red\tok\nxy');
  });

  it('an unterminated OSC sequence ends at the end of its line: the lines after it are kept', () => {
    expect(stripControl('osc \u001b]8;;http://x hidden\nREAL ERROR\n')).toBe('osc \nREAL ERROR\n');
  });

  it('HTML: markup and quotes become entities', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('XML: characters XML forbids are replaced, lone surrogates too', () => {
    expect(escapeXml('a\u0000b\ufffe<\ud800>')).toBe('ab\ufffd&lt;\ufffd&gt;');
    expect(escapeXml("it's")).toBe('it&apos;s');
    expect(escapeXml('emoji 😀 stays')).toBe('emoji 😀 stays');
  });

  it('Markdown text cannot open emphasis, links, HTML or table cells', () => {
    expect(markdownText('a_b *c* [d](e) <b> | # ~x~ & `f`')).toBe('a\\_b \\*c\\* \\[d\\](e) \\<b\\> \\| \\# \\~x\\~ &amp; \\`f\\`');
  });

  it('Markdown text mentions no one on GitHub and references no issue', () => {
    expect(markdownText("npm ERR! 404 '@acme/platform-team@^2.0.0' cc @octocat, see #12; a@ b")).toBe(
      "npm ERR! 404 '@\u200bacme/platform-team@^2.0.0' cc @\u200boctocat, see \\#\u200b12; a@ b",
    );
  });

  it('a fence is longer than any backtick run inside, so content cannot close it', () => {
    expect(markdownFence('a\n```\nb')).toBe('````\na\n```\nb\n````');
    expect(markdownFence('plain', 'text')).toBe('```text\nplain\n```');
    expect(markdownCode('has `tick`')).toBe('`` has `tick` ``');
    expect(markdownCode('a|b', true)).toBe('`a\\|b`');
  });

  it('only http(s) URLs become links', () => {
    expect(safeUrl('https://github.com/a/b/pull/1')).toBe('https://github.com/a/b/pull/1');
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('https://x/"onmouseover=')).toBeNull();
    expect(safeUrl(null)).toBeNull();
  });
});
