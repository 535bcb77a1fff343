/** A product of the demo catalogue: the facets the search page filters on. */
export interface Product {
  _id: string;
  name: string;
  category: 'phone' | 'tablet' | 'laptop' | 'tv';
  brand: string;
  ram_gb: number;
  screen_in: number;
  camera_mp: number;
  price: number;
  /** When this version was written (ms since epoch): the start of the latency measurement. */
  updated_at: number;
}

const BRANDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'];
const CATEGORIES: Product['category'][] = ['phone', 'tablet', 'laptop', 'tv'];
const SCREENS: Record<Product['category'], number[]> = {
  phone: [5.8, 6.1, 6.7],
  tablet: [8.3, 10.9, 12.9],
  laptop: [13.3, 14, 16],
  tv: [43, 55, 65],
};

/** A small deterministic generator, so every demo run builds the same catalogue. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export function catalogue(size: number, seed = 42): Product[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: size }, (_, i) => {
    const category = pick(CATEGORIES);
    const brand = pick(BRANDS);
    return {
      _id: `sku-${String(i).padStart(5, '0')}`,
      name: `${brand} ${category} ${100 + i}`,
      category,
      brand,
      ram_gb: pick([4, 6, 8, 12, 16, 32]),
      screen_in: pick(SCREENS[category]),
      camera_mp: category === 'tv' ? 0 : pick([8, 12, 48, 50, 108]),
      price: Math.round(100 + random() * 1900),
      updated_at: 0,
    };
  });
}
