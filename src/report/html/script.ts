/**
 * The HTML report's only script: sorting for every `table.sortable`, the repo table's text and result filter, and
 * opening the <details> a link points to.
 * It reads values from data attributes the renderer wrote (already escaped); it never builds markup from data.
 */
export const SCRIPT = `
(function () {
  'use strict';
  function sortValue(row, index, type) {
    var cell = row.cells[index];
    if (!cell) return type === 'num' ? -Infinity : '';
    var raw = cell.getAttribute('data-sort');
    if (raw === null) raw = cell.textContent || '';
    if (type === 'num') { var n = parseFloat(raw); return isNaN(n) ? -Infinity : n; }
    return raw.toLowerCase();
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var type = th.getAttribute('data-type') || 'text';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var keyed = rows.map(function (row, i) { return { row: row, key: sortValue(row, index, type), i: i }; });
        keyed.sort(function (a, b) {
          if (a.key < b.key) return ascending ? -1 : 1;
          if (a.key > b.key) return ascending ? 1 : -1;
          return a.i - b.i;
        });
        var fragment = document.createDocumentFragment();
        keyed.forEach(function (k) { fragment.appendChild(k.row); });
        body.appendChild(fragment);
      });
    });
  });

  // A link to a closed <details> (a repo's candidates) opens it, also when the address already ends in its #id.
  function openDetails(id) {
    var target = id ? document.getElementById(id) : null;
    if (target && target.tagName === 'DETAILS') target.open = true;
  }
  document.addEventListener('click', function (event) {
    var link = event.target && event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (link) openDetails(link.getAttribute('href').slice(1));
  });
  // A hand-typed address may hold a malformed escape (report.html#100%): decodeURIComponent would throw and stop
  // the rest of this script (filter, sorting), so such a hash is taken as it is.
  function hashId() {
    var raw = location.hash.slice(1);
    try { return decodeURIComponent(raw); } catch (e) { return raw; }
  }
  openDetails(hashId());

  var table = document.getElementById('repos');
  var text = document.getElementById('filter');
  var category = document.getElementById('category');
  var count = document.getElementById('shown');
  if (!table || !text || !category || !count) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  function apply() {
    var words = text.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var wanted = category.value;
    var shown = 0;
    rows.forEach(function (row) {
      var haystack = row.getAttribute('data-search') || '';
      var match = (!wanted || row.getAttribute('data-category') === wanted) &&
        words.every(function (w) { return haystack.indexOf(w) !== -1; });
      row.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = String(shown);
  }
  text.addEventListener('input', apply);
  category.addEventListener('change', apply);
  document.querySelectorAll('[data-show-category]').forEach(function (button) {
    button.addEventListener('click', function () {
      category.value = button.getAttribute('data-show-category') || '';
      apply();
      table.scrollIntoView({ behavior: 'smooth', block: 'start' });
    });
  });
  apply();
})();
`;
