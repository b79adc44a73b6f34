import { describe, expect, test } from 'vitest';
import { escapeHtml, html, raw, safeHttpUrl } from '../../src/web/html.js';

describe('html tag', () => {
  test('escapes every interpolated string, in text and in attributes', () => {
    const name = `<script>alert("x")</script>`;
    const attr = `" onmouseover="alert(1)`;
    const out = html`<p title="${attr}">${name}</p>`.value;
    expect(out).toBe(
      '<p title="&quot; onmouseover=&quot;alert(1)">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
  });

  test('nests SafeHtml without double escaping, flattens arrays, drops null/false', () => {
    const items = ['a&b', '<i>'].map((t) => html`<li>${t}</li>`);
    const out = html`<ul>${items}${null}${false}${undefined}${0}</ul>`.value;
    expect(out).toBe('<ul><li>a&amp;b</li><li>&lt;i&gt;</li>0</ul>');
  });

  test('raw is the only way to inject markup', () => {
    expect(html`${raw('<b>x</b>')}`.value).toBe('<b>x</b>');
    expect(escapeHtml(`a&<>"'b`)).toBe('a&amp;&lt;&gt;&quot;&#39;b');
  });

  test('only http(s) URLs become links', () => {
    expect(safeHttpUrl('https://www.linkedin.com/in/ana')).toBe('https://www.linkedin.com/in/ana');
    expect(safeHttpUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeHttpUrl('data:text/html,<b>')).toBeUndefined();
    expect(safeHttpUrl('not a url')).toBeUndefined();
    expect(safeHttpUrl(null)).toBeUndefined();
  });
});
