/**
 * The README's topology image, docs/topology.svg: the main example's synthesized
 * `topology.svg`, byte for byte. Regenerate it with
 *
 *   npx tsx test/diagram/docs-image.ts
 *
 * (test/diagram/docs-image.test.ts fails when the committed image is stale).
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Testing } from '../../lib/testing/testing';
import '../../lib/diagram/topology';
import { referenceApp } from './reference-app';

/** Where the README's image lives. */
export const DOCS_IMAGE = join(__dirname, '..', '..', 'docs', 'topology.svg');

/** The image as the main example synthesizes it now. */
export function currentDocsImage(): string {
  return Testing.synth(referenceApp()).rootFile('topology.svg');
}

/** The committed image, or undefined when there is none. */
export function committedDocsImage(): string | undefined {
  try {
    return readFileSync(DOCS_IMAGE, 'utf8');
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  writeFileSync(DOCS_IMAGE, currentDocsImage());
  // eslint-disable-next-line no-console
  console.log(`wrote ${DOCS_IMAGE}`);
}
