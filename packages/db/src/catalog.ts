import type { NewProduct } from "./schema.js";

// The demo catalog: 8 categories × 6 products, prices in USD cents.
type Item = readonly [name: string, priceMinor: number, description: string];

const CATALOG: Record<string, readonly Item[]> = {
  Electronics: [
    ["Aurora Noise-Cancelling Headphones", 24900, "Over-ear, 40-hour battery, adaptive noise cancelling and a fold-flat case."],
    ["Pulse Smartwatch Series 5", 19900, "Always-on display, heart-rate and sleep tracking, five days per charge."],
    ["Nimbus 4K Streaming Stick", 3900, "4K HDR streaming with a voice remote; plugs straight into any HDMI port."],
    ["Volt 20000 mAh Power Bank", 2900, "Charges a phone four times over; 65 W USB-C for laptops."],
    ["Lumen Smart Bulb 4-Pack", 3400, "Sixteen million colours, schedules and scenes, no hub required."],
    ["Echo Mini Bluetooth Speaker", 4900, "Pocket-size, waterproof, surprisingly big sound for twelve hours."],
  ],
  Gaming: [
    ["Vortex Mechanical Keyboard", 8900, "Hot-swappable tactile switches, per-key RGB and an aluminium frame."],
    ["Strider Wireless Controller", 5900, "Hall-effect sticks that never drift, rear paddles, 30-hour battery."],
    ["Nova Handheld Console", 29900, "A 7-inch OLED handheld that plays your whole library on the go."],
    ["Apex Gaming Mouse", 4900, "58-gram shell, 26K DPI sensor and a braided, weightless cable."],
    ["Horizon VR Headset", 34900, "Standalone mixed reality with pancake lenses and hand tracking."],
    ["Titan Gaming Chair", 19900, "Cold-foam seat, 4D armrests and a magnetic memory-foam head pillow."],
  ],
  Home: [
    ["Barista Pro Espresso Machine", 44900, "Built-in grinder, 15-bar pump and a steam wand for silky microfoam."],
    ["Cloud Nine Memory Foam Pillow", 5900, "Cooling gel layer and adjustable fill for back and side sleepers."],
    ["Crisp Air Fryer 5.5 L", 8900, "Crispy fries with a spoonful of oil; dishwasher-safe basket."],
    ["Zen Robot Vacuum", 24900, "Lidar mapping, auto-empty dock and room-by-room scheduling."],
    ["Ember Cast-Iron Dutch Oven", 7900, "Enamelled 5.5-quart pot that goes from stovetop to oven to table."],
    ["Breeze Tower Fan", 6900, "Whisper-quiet, 12 speeds, oscillation and a sleep timer."],
  ],
  Fashion: [
    ["Trailblazer Leather Sneakers", 12900, "Full-grain leather uppers on a cushioned, recycled rubber sole."],
    ["Harbor Wool Peacoat", 18900, "Double-breasted Italian wool blend with a quilted lining."],
    ["Classic Slim Denim Jeans", 6900, "Stretch selvedge denim in a deep indigo rinse."],
    ["Solstice Polarized Sunglasses", 8900, "Acetate frames, polarized lenses and full UV400 protection."],
    ["Metro Canvas Backpack", 5900, "Waxed canvas, padded 16-inch laptop sleeve, leather trims."],
    ["Alpine Down Vest", 9900, "Packable 700-fill down that stuffs into its own pocket."],
  ],
  Sports: [
    ["Summit Carbon Trekking Poles", 8900, "Carbon-fibre, flick-lock adjustable, cork grips, 220 g each."],
    ["Flow Yoga Mat Pro", 4900, "6 mm natural rubber with a grippy, sweat-proof top layer."],
    ["Sprint Running Shoes", 11900, "Responsive foam and a carbon plate for race-day speed."],
    ["Peak Adjustable Dumbbells", 29900, "From 2 to 24 kg each with a twist of the dial."],
    ["Ridge 2-Person Tent", 17900, "Freestanding, 1.6 kg, sets up in three minutes in the rain."],
    ["Glide Insulated Water Bottle", 2900, "Keeps drinks cold for 24 hours or hot for 12; leak-proof lid."],
  ],
  Beauty: [
    ["Radiance Vitamin C Serum", 3900, "15% vitamin C with ferulic acid for a brighter, even tone."],
    ["Velvet Matte Lipstick Trio", 2900, "Three long-wear shades that never dry out your lips."],
    ["Silk Ionic Hair Dryer", 12900, "High-speed motor, intelligent heat control, three attachments."],
    ["Dew Hydrating Face Cream", 3400, "Hyaluronic acid and ceramides for 72-hour hydration."],
    ["Bloom Eau de Parfum 50 ml", 8900, "Peony, pink pepper and white musk in a refillable bottle."],
    ["Glow Sonic Cleansing Brush", 6900, "Silicone bristles, 8,000 pulses a minute, 200 uses per charge."],
  ],
  Toys: [
    ["Galaxy Explorer Building Set", 7900, "1,254 bricks that build a starship with a detachable shuttle."],
    ["Rally Remote-Control Car", 5900, "All-terrain 4WD, 30 km/h and two swappable batteries."],
    ["Whiz Kids Coding Robot", 9900, "Teaches coding with cards and a tablet app, ages 6 and up."],
    ["Cuddle Bear Plush XL", 3900, "A metre of huggable, machine-washable softness."],
    ["Marble Run Mega Tower", 4900, "230 pieces, elevators and a spiral funnel for endless runs."],
    ["Pixel Art Magnetic Tiles", 3400, "120 colourful magnetic tiles for building and pixel art."],
  ],
  Books: [
    ["The Quiet Algorithm (Hardcover)", 2800, "The surprise bestseller about a programmer who teaches a city to listen."],
    ["Tides of Iron: Signed First Edition", 4900, "A numbered first printing, signed by the author."],
    ["Weeknight Feasts Cookbook", 3200, "100 dinners in 30 minutes or less, photographed step by step."],
    ["Illustrated Atlas of the Night Sky", 3900, "Star charts, myths and a fold-out map of the Milky Way."],
    ["Mystery Box: 5 Bestsellers", 5900, "Five hand-picked bestsellers, wrapped so you cannot peek."],
    ["The Ember Saga Collector's Box Set", 8900, "All four novels in foil-stamped hardcovers with a slipcase."],
  ],
};

export type SaleState = "upcoming" | "on_sale" | "sold_out" | "ended";

const MIN = 60_000;
const HOUR = 60 * MIN;
const CAPACITIES = [20, 25, 40, 50, 75, 100, 150, 200] as const;
const TTLS = [120, 180, 240, 300] as const;
const STOCKS = [12, 25, 40, 60, 100, 150, 250, 400] as const;

export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The state a product is in at `now`: the same rules the catalog shows. */
export function saleStateAt(
  p: { stock: number; saleStartsAt: Date; saleEndsAt: Date | null },
  now: Date,
): SaleState {
  if (p.saleEndsAt && p.saleEndsAt.getTime() <= now.getTime()) return "ended";
  if (p.saleStartsAt.getTime() > now.getTime()) return "upcoming";
  if (p.stock <= 0) return "sold_out";
  return "on_sale";
}

/**
 * The demo products, timed around `now` so a fresh install always shows every sale state:
 * per category, a rotation of on sale (some ending soon), upcoming in minutes or hours, sold out, ended.
 */
export function demoCatalog(now: Date): NewProduct[] {
  const t = now.getTime();
  const out: NewProduct[] = [];
  let i = 0;
  for (const [category, items] of Object.entries(CATALOG)) {
    for (const [name, priceMinor, description] of items) {
      const slug = slugify(name);
      const initialStock = STOCKS[(i * 5 + 3) % STOCKS.length] ?? 50;
      let stock = initialStock;
      let startsAt: number;
      let endsAt: number | null;
      switch (i % 8) {
        case 0: // on sale for a while, no end
          startsAt = t - (30 + (i % 5) * 15) * MIN;
          endsAt = null;
          stock = Math.max(1, Math.round(initialStock * 0.6));
          break;
        case 1: // just opened, ends tonight
          startsAt = t - 5 * MIN;
          endsAt = t + 6 * HOUR;
          break;
        case 2: // ends soon, little left
          startsAt = t - 3 * HOUR;
          endsAt = t + (20 + (i % 4) * 10) * MIN;
          stock = Math.max(1, Math.round(initialStock * 0.1));
          break;
        case 3: // upcoming in minutes
          startsAt = t + (2 + (i % 6) * 3) * MIN;
          endsAt = startsAt + 4 * HOUR;
          break;
        case 4: // upcoming in hours
          startsAt = t + (1 + (i % 5)) * HOUR;
          endsAt = null;
          break;
        case 5: // sold out, sale still open
          startsAt = t - 2 * HOUR;
          endsAt = t + 2 * HOUR;
          stock = 0;
          break;
        case 6: // on sale, plenty left
          startsAt = t - 10 * MIN;
          endsAt = t + 24 * HOUR;
          break;
        default: // ended yesterday with units left over
          startsAt = t - 30 * HOUR;
          endsAt = t - 6 * HOUR;
          stock = Math.round(initialStock * 0.2);
      }
      out.push({
        slug,
        name,
        description,
        category,
        imageUrl: `/img/p/${slug}.svg`,
        priceMinor,
        currency: "USD",
        stock,
        initialStock,
        saleStartsAt: new Date(startsAt),
        saleEndsAt: endsAt === null ? null : new Date(endsAt),
        capacity: CAPACITIES[(i * 3) % CAPACITIES.length] ?? 50,
        checkoutTtlSec: TTLS[i % TTLS.length] ?? 180,
        paused: false,
      });
      i++;
    }
  }
  return out;
}
