/** An attribute value: facets are built from these (strings and booleans as terms, numbers as terms or ranges). */
export type AttributeValue = string | number | boolean;

export const CATEGORIES = ['phone', 'case', 'screen-protector', 'charger', 'headphones'] as const;
export type Category = (typeof CATEGORIES)[number];

/** A product of the demo shop, as it is stored in MongoDB and indexed in OpenSearch. */
export interface Product {
  _id: string;
  name: string;
  category: Category;
  brand: string;
  /** US dollars, two decimals. */
  price: number;
  stock: number;
  /** What varies by category: a phone has RAM and a camera, a case has a material and a phone it fits. */
  attrs: Record<string, AttributeValue>;
  /** When this version was written to MongoDB (ms since epoch): where every latency is measured from. */
  updated_at: number;
}

/** A small deterministic random source, so a catalogue of a given size and seed is always the same. */
export type Random = () => number;

export function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
/** A shop price: whole dollars and 99 cents. */
export const shopPrice = (value: number) => Math.floor(value) + 0.99;

/** The phones the accessories fit; the first word is the brand. */
export const PHONE_MODELS = [
  'Aurora 15',
  'Aurora 15 Pro',
  'Aurora 15 Max',
  'Lumen 9',
  'Lumen 9 Ultra',
  'Nimbus X',
  'Nimbus X Lite',
  'Vertex 7',
  'Vertex 7 Pro',
  'Zephyr Fold',
] as const;
const COLORS = ['black', 'white', 'blue', 'green', 'red', 'clear'] as const;

type Made = Pick<Product, 'name' | 'brand' | 'price' | 'attrs'>;

/** Per category: how a product is made up, with the attributes only that category has. */
const MAKERS: Record<Category, (random: Random) => Made> = {
  phone: (random) => {
    const model = pick(random, PHONE_MODELS);
    const storage = pick(random, [64, 128, 256, 512, 1024]);
    const color = pick(random, COLORS.slice(0, 5));
    const attrs = {
      ram_gb: pick(random, [4, 6, 8, 12, 16]),
      storage_gb: storage,
      screen_in: pick(random, [5.4, 6.1, 6.3, 6.7, 6.9, 7.6]),
      camera_mp: pick(random, [12, 48, 50, 108, 200]),
      network: pick(random, ['5G', '4G']),
      color,
    };
    const name = `${model} ${storage} GB, ${color}`;
    return { name, brand: model.split(' ')[0] as string, price: shopPrice(199 + random() * 1200 + storage / 2), attrs };
  },
  case: (random) => {
    const brand = pick(random, ['Armorly', 'Clearshell', 'Gripster', 'Shellcraft', 'Tuffcase']);
    const model = pick(random, PHONE_MODELS);
    const color = pick(random, COLORS);
    const style = pick(random, ['Slim', 'Tough', 'Clear', 'Wallet', 'Rugged']);
    const attrs = {
      fits: model,
      material: pick(random, ['silicone', 'TPU', 'leather', 'polycarbonate', 'aramid']),
      magnetic: random() < 0.5,
      color,
    };
    return { name: `${brand} ${style} case for ${model}, ${color}`, brand, price: shopPrice(6 + random() * 54), attrs };
  },
  'screen-protector': (random) => {
    const brand = pick(random, ['Clearshield', 'GlassGuard', 'Armorly', 'Visio']);
    const model = pick(random, PHONE_MODELS);
    const material = pick(random, ['tempered glass', 'privacy glass', 'film']);
    const pack = pick(random, [1, 2, 3]);
    const name = `${brand} ${material} screen protector for ${model}, ${pack}-pack`;
    return {
      name,
      brand,
      price: shopPrice(5 + random() * 20 + pack * 3),
      attrs: { fits: model, material, pack_size: pack },
    };
  },
  charger: (random) => {
    const brand = pick(random, ['Voltix', 'Chargemate', 'Lumen']);
    const watts = pick(random, [20, 30, 45, 65, 100, 140]);
    const connector = pick(random, ['USB-C', 'wireless']);
    const ports = connector === 'wireless' ? 1 : pick(random, [1, 2, 3]);
    const name = `${brand} ${watts} W ${connector} charger, ${ports} port${ports > 1 ? 's' : ''}`;
    return { name, brand, price: shopPrice(12 + watts * 0.6 + random() * 20), attrs: { watts, connector, ports } };
  },
  headphones: (random) => {
    const brand = pick(random, ['Sonar', 'Auralis', 'Nimbus']);
    const form = pick(random, ['in-ear', 'over-ear', 'on-ear']);
    const wireless = random() < 0.7;
    const anc = random() < 0.5;
    const attrs = {
      form,
      wireless,
      noise_cancelling: anc,
      battery_h: wireless ? pick(random, [6, 8, 24, 30, 40]) : 0,
      color: pick(random, COLORS.slice(0, 4)),
    };
    const name = `${brand} ${form} headphones${wireless ? ', wireless' : ''}${anc ? ', noise cancelling' : ''}`;
    return { name, brand, price: shopPrice(19 + random() * 330), attrs };
  },
};

/** How often each category occurs: accessories outnumber phones, as in a real shop. */
const MIX: readonly Category[] = [
  ...Array<Category>(3).fill('phone'),
  ...Array<Category>(7).fill('case'),
  ...Array<Category>(5).fill('screen-protector'),
  ...Array<Category>(3).fill('charger'),
  ...Array<Category>(2).fill('headphones'),
];

export const productId = (n: number) => `sku-${String(n).padStart(6, '0')}`;

/** Product number `n` of the catalogue: the same for the same seed, whatever else was generated. */
export function product(n: number, seed = 42): Product {
  // one random stream per product number: product(n) never depends on the products before it
  const random = seeded(seed * 1_000_003 + n);
  const category = pick(random, MIX);
  const made = MAKERS[category](random);
  return { _id: productId(n), category, ...made, stock: Math.floor(random() * 50), updated_at: 0 };
}
