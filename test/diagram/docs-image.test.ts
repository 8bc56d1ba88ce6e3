import { XMLValidator } from 'fast-xml-parser';
import { expect, test } from 'vitest';
import { committedDocsImage, currentDocsImage, DOCS_IMAGE } from './docs-image';
import { svgTexts } from './svg-text';

test('docs/topology.svg is the main example\'s current diagram (regenerate: npx tsx test/diagram/docs-image.ts)', () => {
  const now = currentDocsImage();
  const committed = committedDocsImage();
  expect(committed, `${DOCS_IMAGE} is missing; run: npx tsx test/diagram/docs-image.ts`).toBeDefined();
  expect(committed === now, `${DOCS_IMAGE} is stale; run: npx tsx test/diagram/docs-image.ts`).toBe(true);
});

test('the README image is well-formed SVG showing both reference hosts and both VIP addresses', () => {
  const svg = committedDocsImage() ?? '';
  expect(XMLValidator.validate(svg)).toBe(true);
  const texts = svgTexts(svg).join('\n');
  for (const t of ['haproxy01.example.net', 'haproxy02.example.net', '10.1.60.200', 'fd5e:d1c2:c9de:60::200']) expect(texts).toContain(t);
});
