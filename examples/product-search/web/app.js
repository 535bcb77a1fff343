/* global document, URLSearchParams */
// The search page: asks /api/search on every keystroke, click and sort change; shows the
// facets the answer brings (they follow the result set); watches /api/freshness and searches
// again when a newer change has become searchable, so the results stay live.
'use strict';

const state = { q: '', filters: [], sort: 'relevance' };
const $ = (id) => document.getElementById(id);
let asked = 0; // answers to older questions are dropped
let searchedFor = null; // the newest change (seenAt) the shown results include
let freshness = { newest: null, offset: 0 };

function element(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((child) => child !== null));
  return node;
}

const label = (value) => (value === 'true' ? 'yes' : value === 'false' ? 'no' : value);
const money = (price) => `$${price.toFixed(2)}`;

async function search() {
  const question = ++asked;
  searchedFor = freshness.newest?.seenAt ?? null;
  const params = new URLSearchParams({ q: state.q, sort: state.sort });
  for (const filter of state.filters) params.append('f', `${filter.field}:${filter.value}`);
  const started = performance.now();
  const response = await fetch(`/api/search?${params}`);
  const answer = await response.json();
  if (question !== asked) return;
  if (!response.ok) return void ($('summary').textContent = answer.error);
  render(answer, Math.round(performance.now() - started));
}

function render(answer, roundTripMs) {
  $('summary').textContent = '';
  $('summary').append(
    element('span', { id: 'total' }, answer.total.toLocaleString('en')),
    ` results · OpenSearch ${answer.tookMs} ms · page ${roundTripMs} ms`,
  );
  $('chips').replaceChildren(
    ...state.filters.map((filter) =>
      element('button', { onclick: () => toggle(filter.field, filter.value) }, `${label(filter.value)} ✕`),
    ),
  );
  $('facets').replaceChildren(...answer.facets.map(facet));
  $('results').replaceChildren(...answer.hits.map(card));
}

function facet({ field, label: title, buckets }) {
  const items = buckets.map((bucket) =>
    element(
      'li',
      {},
      element(
        'button',
        {
          className: bucket.selected ? 'selected' : '',
          onclick: () => toggle(field, bucket.value),
          title: `${title}: ${bucket.value}`,
        },
        element('span', { className: 'value' }, label(bucket.value)),
        element('span', { className: 'count' }, String(bucket.count)),
      ),
    ),
  );
  const section = element('div', { className: 'facet' }, element('h3', {}, title), element('ul', {}, ...items));
  section.dataset.facet = field;
  items.forEach((item, i) => (item.firstChild.dataset.value = buckets[i].value));
  return section;
}

function card(hit) {
  const attrs = Object.entries(hit.attrs)
    .map(([key, value]) => `${key.replace(/_/g, ' ')}: ${label(String(value))}`)
    .join(' · ');
  const stock = hit.stock > 0 ? `${hit.stock} in stock` : 'out of stock';
  const node = element(
    'div',
    { className: 'result' },
    element('div', { className: 'name' }, hit.name),
    element('div', { className: 'price' }, money(hit.price)),
    element('div', { className: hit.stock > 0 ? 'meta' : 'meta out' }, `${hit.brand} · ${hit.category} · ${stock}`),
    element('div', { className: 'meta' }, attrs),
  );
  node.dataset.id = hit.id;
  return node;
}

function toggle(field, value) {
  const at = state.filters.findIndex((f) => f.field === field && f.value === value);
  if (at >= 0) state.filters.splice(at, 1);
  else state.filters.push({ field, value });
  void search();
}

/** The live indicator, and a new search when a newer change has become searchable. */
async function watchFreshness() {
  try {
    const answer = await (await fetch('/api/freshness')).json();
    freshness = { newest: answer.newest, offset: answer.now - Date.now() };
    if (answer.newest && answer.newest.seenAt !== searchedFor) await search();
  } catch {
    // the service restarts or is gone: keep showing what we have, try again
  }
  setTimeout(watchFreshness, 500);
}

function showFreshness() {
  const newest = freshness.newest;
  const box = $('freshness');
  if (newest) {
    const ago = (Date.now() + freshness.offset - newest.seenAt) / 1000;
    box.textContent =
      `Live: the newest change became searchable ${ago.toFixed(1)} s ago, ` +
      `${newest.seenAt - newest.writtenAt} ms after its MongoDB write (${newest.name})`;
    box.className = ago > 10 ? 'stale' : '';
  }
  setTimeout(showFreshness, 100);
}

let typing;
$('q').addEventListener('input', (event) => {
  clearTimeout(typing);
  typing = setTimeout(() => ((state.q = event.target.value), void search()), 120);
});
$('sort').addEventListener('change', (event) => ((state.sort = event.target.value), void search()));
void search();
void watchFreshness();
showFreshness();
