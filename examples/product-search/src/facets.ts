import type { Category } from './catalogue.js';

/** A range facet's bucket: `from` inclusive, `to` exclusive, as OpenSearch's range aggregation. */
export interface Range {
  readonly key: string;
  readonly from?: number;
  readonly to?: number;
}

/**
 * A filter the page offers: the counts of distinct values (terms) or of fixed ranges. An
 * attribute facet names the categories that have the attribute: only their products are
 * counted for it, so a query does per product the work of its own category's facets only.
 */
export type Facet = {
  readonly field: string;
  readonly label: string;
  readonly categories?: readonly Category[];
} & ({ readonly kind: 'terms' } | { readonly kind: 'range'; readonly ranges: readonly Range[] });

const terms = (field: string, label: string, ...categories: Category[]): Facet => ({
  field,
  label,
  kind: 'terms',
  ...(categories.length ? { categories } : {}),
});
const ranges = (field: string, label: string, categories: readonly Category[], ...buckets: Range[]): Facet => ({
  field,
  label,
  kind: 'range',
  ranges: buckets,
  ...(categories.length ? { categories } : {}),
});

/**
 * Every facet the page can show, in display order. Each query asks for all of them; a facet
 * none of the results has (e.g. RAM when searching for cases) comes back with no buckets and
 * is not shown: the filters on offer follow the result set.
 */
export const FACETS: readonly Facet[] = [
  terms('category', 'Category'),
  terms('brand', 'Brand'),
  ranges(
    'price',
    'Price ($)',
    [],
    { key: 'under 25', to: 25 },
    { key: '25 to 100', from: 25, to: 100 },
    { key: '100 to 500', from: 100, to: 500 },
    { key: '500 to 1000', from: 500, to: 1000 },
    { key: '1000 and up', from: 1000 },
  ),
  ranges('stock', 'Availability', [], { key: 'out of stock', to: 1 }, { key: 'in stock', from: 1 }),
  terms('attrs.ram_gb', 'RAM (GB)', 'phone'),
  terms('attrs.storage_gb', 'Storage (GB)', 'phone'),
  ranges(
    'attrs.screen_in',
    'Screen size',
    ['phone'],
    { key: 'under 6"', to: 6 },
    { key: '6" to 6.5"', from: 6, to: 6.5 },
    { key: '6.5" and up', from: 6.5 },
  ),
  terms('attrs.camera_mp', 'Camera (MP)', 'phone'),
  terms('attrs.network', 'Network', 'phone'),
  terms('attrs.fits', 'Fits', 'case', 'screen-protector'),
  terms('attrs.material', 'Material', 'case', 'screen-protector'),
  terms('attrs.magnetic', 'Magnetic', 'case'),
  terms('attrs.pack_size', 'Pack size', 'screen-protector'),
  ranges(
    'attrs.watts',
    'Power',
    ['charger'],
    { key: 'up to 30 W', to: 31 },
    { key: '45 to 65 W', from: 31, to: 66 },
    { key: 'over 65 W', from: 66 },
  ),
  terms('attrs.connector', 'Connector', 'charger'),
  terms('attrs.ports', 'Ports', 'charger'),
  terms('attrs.form', 'Form', 'headphones'),
  terms('attrs.wireless', 'Wireless', 'headphones'),
  terms('attrs.noise_cancelling', 'Noise cancelling', 'headphones'),
  ranges(
    'attrs.battery_h',
    'Battery',
    ['headphones'],
    { key: 'under 10 h', from: 1, to: 10 },
    { key: '10 h and up', from: 10 },
  ),
  terms('attrs.color', 'Colour', 'phone', 'case', 'headphones'),
];

export function facetOf(field: string): Facet | undefined {
  return FACETS.find((facet) => facet.field === field);
}
