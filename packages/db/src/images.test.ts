import fc from "fast-check";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { productSvg } from "./images.js";

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
});

// Any text, including markup, quotes, control characters and lone surrogates.
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: fc.constantFrom("<", ">", "&", '"', "'", " ", "a", "]]>", "<!--", "\u0000", "\uD800"), maxLength: 40 }),
);

describe("productSvg", () => {
  it("draws a well-formed SVG with the name and category", () => {
    const svg = productSvg({ name: "Aurora Noise-Cancelling Headphones", category: "Electronics", seed: 1 });
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain("Aurora Noise-Cancelling");
    expect(svg).toContain("ELECTRONICS");
    expect(svg).toContain("linearGradient");
  });

  it("is deterministic, and the seed varies the picture", () => {
    const a = productSvg({ name: "X", category: "Toys", seed: 1 });
    expect(productSvg({ name: "X", category: "Toys", seed: 1 })).toBe(a);
    expect(productSvg({ name: "X", category: "Toys", seed: 2 })).not.toBe(a);
  });

  it("any name or category yields escaped, well-formed XML", () => {
    fc.assert(
      fc.property(anyText, anyText, fc.oneof(fc.integer(), fc.string()), (name, category, seed) => {
        const svg = productSvg({ name, category, seed });
        expect(XMLValidator.validate(svg)).toBe(true);
        expect(NOT_XML_CHAR.test(svg)).toBe(false);
        // The accessible label decodes back to the (cleaned) name: escaping lost nothing.
        const label = parser.parse(svg).svg["aria-label"] as string;
        const cleaned = name
          .replace(new RegExp(NOT_XML_CHAR.source, "gu"), "")
          .replace(/\s+/g, " ")
          .trim();
        expect(label).toBe(cleaned);
      }),
      { numRuns: 300 },
    );
  });
});
