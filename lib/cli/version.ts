import * as fs from 'fs';
import * as path from 'path';

let cached: string | undefined;

/** This package's version (from its package.json, without loading the library). */
export function packageVersion(): string {
  if (cached === undefined) {
    try {
      cached = String(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
