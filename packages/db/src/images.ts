// Product pictures drawn locally (the machine is offline): a gradient picked by category, a simple
// category glyph, and the product name. Pure, so the web app can render `/img/p/<slug>.svg` on demand.

export interface ProductSvgInput {
  name: string;
  category: string;
  /** Varies the decoration between products of one category (e.g. the product id or slug). */
  seed: string | number;
}

interface Look {
  from: string;
  to: string;
  glyph: string;
}

// Glyphs are drawn in a 120×120 box with a white stroke.
const GLYPHS = {
  electronics:
    '<rect x="30" y="8" width="60" height="104" rx="10"/><rect x="38" y="20" width="44" height="68" rx="3"/><circle cx="60" cy="100" r="4"/>',
  gaming:
    '<path d="M20 40h80a14 14 0 0 1 14 14l4 36a12 12 0 0 1-21 9l-15-17H38l-15 17a12 12 0 0 1-21-9l4-36a14 14 0 0 1 14-14z"/><path d="M36 56v20M26 66h20"/><circle cx="82" cy="60" r="4"/><circle cx="94" cy="72" r="4"/>',
  home: '<path d="M12 58L60 16l48 42"/><path d="M24 48v60h72V48"/><rect x="50" y="76" width="20" height="32"/>',
  fashion:
    '<path d="M42 14l-30 18 12 24 12-6v56h48V50l12 6 12-24-30-18a18 18 0 0 1-36 0z"/>',
  sports:
    '<circle cx="60" cy="60" r="48"/><path d="M12 60h96M60 12v96"/><path d="M26 26a48 48 0 0 1 0 68M94 26a48 48 0 0 0 0 68"/>',
  beauty:
    '<path d="M60 10l10 40 40 10-40 10-10 40-10-40-40-10 40-10z"/><path d="M98 14l4 12 12 4-12 4-4 12-4-12-12-4 12-4z"/>',
  toys: '<path d="M60 10l40 22v46L60 110 20 78V32z"/><path d="M20 32l40 22 40-22M60 54v56"/>',
  books:
    '<path d="M60 28c-14-10-32-12-48-10v78c16-2 34 0 48 10 14-10 32-12 48-10V18c-16-2-34 0-48 10z"/><path d="M60 28v78"/>',
  other:
    '<path d="M14 62V18a4 4 0 0 1 4-4h44l50 50-48 48z"/><circle cx="38" cy="38" r="8"/>',
} as const;

const LOOKS: Record<string, Look> = {
  electronics: { from: "#1e3a8a", to: "#06b6d4", glyph: GLYPHS.electronics },
  gaming: { from: "#4c1d95", to: "#ec4899", glyph: GLYPHS.gaming },
  home: { from: "#14532d", to: "#84cc16", glyph: GLYPHS.home },
  fashion: { from: "#831843", to: "#f97316", glyph: GLYPHS.fashion },
  sports: { from: "#7c2d12", to: "#facc15", glyph: GLYPHS.sports },
  beauty: { from: "#9d174d", to: "#f9a8d4", glyph: GLYPHS.beauty },
  toys: { from: "#0f766e", to: "#fde047", glyph: GLYPHS.toys },
  books: { from: "#312e81", to: "#a78bfa", glyph: GLYPHS.books },
};

/** FNV-1a: a small stable hash for picking colours and positions. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: deterministic numbers in [0, 1) from a seed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lookFor(category: string): Look {
  const known = LOOKS[category.trim().toLowerCase()];
  if (known) return known;
  const hue = hash(category) % 360;
  return { from: `hsl(${hue} 70% 25%)`, to: `hsl(${(hue + 50) % 360} 85% 60%)`, glyph: GLYPHS.other };
}

// XML 1.0 allows only these characters; anything else (controls, lone surrogates) is dropped.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text safe inside an XML element or a quoted attribute. */
export function escapeXml(s: string): string {
  return s
    .replace(NOT_XML_CHAR, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Greedy word wrap by code points (never splits a surrogate pair), at most `maxLines` lines. */
function wrap(text: string, width: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line: string[] = [];
  const push = () => {
    if (line.length) lines.push(line.join(""));
    line = [];
  };
  for (const word of words) {
    let chars = Array.from(word);
    if (line.length && line.length + 1 + chars.length > width) push();
    if (line.length) line.push(" ");
    while (chars.length > width - line.length) {
      const room = width - line.length;
      line.push(...chars.slice(0, room));
      chars = chars.slice(room);
      push();
    }
    line.push(...chars);
  }
  push();
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    const last = Array.from(kept[maxLines - 1] ?? "");
    kept[maxLines - 1] = `${last.slice(0, Math.max(0, width - 1)).join("").trimEnd()}…`;
    return kept;
  }
  return lines;
}

export function productSvg({ name, category, seed }: ProductSvgInput): string {
  const look = lookFor(category);
  const rand = rng(hash(`${category}|${seed}`));
  const angle = Math.round(rand() * 360);
  const bubbles = Array.from({ length: 5 }, () => {
    const cx = Math.round(rand() * 800);
    const cy = Math.round(rand() * 600);
    const r = Math.round(40 + rand() * 160);
    const o = (0.05 + rand() * 0.12).toFixed(2);
    return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="#fff" fill-opacity="${o}"/>`;
  }).join("");
  const clean = name.replace(NOT_XML_CHAR, "").replace(/\s+/g, " ").trim();
  const lines = wrap(clean, 22, 3);
  const firstY = 470 - (lines.length - 1) * 50;
  const text = lines
    .map((l, i) => `<text x="60" y="${firstY + i * 50}">${escapeXml(l)}</text>`)
    .join("");
  const label = escapeXml(Array.from(category.replace(NOT_XML_CHAR, "").trim().toUpperCase()).slice(0, 30).join(""));
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 600" width="800" height="600" role="img"',
    ` aria-label="${escapeXml(clean)}">`,
    `<defs><linearGradient id="g" gradientTransform="rotate(${angle} 0.5 0.5)">`,
    `<stop offset="0" stop-color="${look.from}"/><stop offset="1" stop-color="${look.to}"/>`,
    "</linearGradient>",
    // A dark scrim under the name keeps white text readable on the light gradients.
    '<linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0.45" stop-color="#000" stop-opacity="0"/>',
    '<stop offset="1" stop-color="#000" stop-opacity="0.45"/></linearGradient></defs>',
    '<rect width="800" height="600" fill="url(#g)"/>',
    bubbles,
    '<rect width="800" height="600" fill="url(#s)"/>',
    '<g transform="translate(560 60) scale(1.5)" fill="none" stroke="#fff" stroke-width="6"',
    ' stroke-linecap="round" stroke-linejoin="round" opacity="0.9">',
    look.glyph,
    "</g>",
    `<text x="60" y="96" fill="#fff" fill-opacity="0.85" font-family="system-ui, sans-serif" font-size="26" font-weight="600" letter-spacing="4">${label}</text>`,
    '<g fill="#fff" font-family="system-ui, sans-serif" font-size="44" font-weight="700">',
    text,
    "</g></svg>",
  ].join("");
}
