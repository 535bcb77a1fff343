/** A range facet's bucket: `from` inclusive, `to` exclusive, as OpenSearch's range aggregation. */
export interface Range {
  readonly key: string;
  readonly from?: number;
  readonly to?: number;
}

/** A filter the page offers: the counts of distinct values (terms) or of fixed ranges. */
export type Facet =
  | { readonly field: string; readonly label: string; readonly kind: 'terms' }
  | { readonly field: string; readonly label: string; readonly kind: 'range'; readonly ranges: readonly Range[] };

const terms = (field: string, label: string): Facet => ({ field, label, kind: 'terms' });
const ranges = (field: string, label: string, ...buckets: Range[]): Facet => ({
  field,
  label,
  kind: 'range',
  ranges: buckets,
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
    { key: 'under 25', to: 25 },
    { key: '25 to 100', from: 25, to: 100 },
    { key: '100 to 500', from: 100, to: 500 },
    { key: '500 to 1000', from: 500, to: 1000 },
    { key: '1000 and up', from: 1000 },
  ),
  ranges('stock', 'Availability', { key: 'out of stock', to: 1 }, { key: 'in stock', from: 1 }),
  terms('attrs.ram_gb', 'RAM (GB)'),
  terms('attrs.storage_gb', 'Storage (GB)'),
  ranges(
    'attrs.screen_in',
    'Screen size',
    { key: 'under 6"', to: 6 },
    { key: '6" to 6.5"', from: 6, to: 6.5 },
    { key: '6.5" and up', from: 6.5 },
  ),
  terms('attrs.camera_mp', 'Camera (MP)'),
  terms('attrs.network', 'Network'),
  terms('attrs.fits', 'Fits'),
  terms('attrs.material', 'Material'),
  terms('attrs.magnetic', 'Magnetic'),
  terms('attrs.pack_size', 'Pack size'),
  ranges(
    'attrs.watts',
    'Power',
    { key: 'up to 30 W', to: 31 },
    { key: '45 to 65 W', from: 31, to: 66 },
    { key: 'over 65 W', from: 66 },
  ),
  terms('attrs.connector', 'Connector'),
  terms('attrs.ports', 'Ports'),
  terms('attrs.form', 'Form'),
  terms('attrs.wireless', 'Wireless'),
  terms('attrs.noise_cancelling', 'Noise cancelling'),
  ranges('attrs.battery_h', 'Battery', { key: 'under 10 h', from: 1, to: 10 }, { key: '10 h and up', from: 10 }),
  terms('attrs.color', 'Colour'),
];

export function facetOf(field: string): Facet | undefined {
  return FACETS.find((facet) => facet.field === field);
}
