'use strict';
/**
 * `node --require ./bench/register.js bench/measure.ts …`: loads TypeScript the way `npx synth`
 * does in a checkout (bin/transpile.js: esbuild's output, cached by content; no tsx and none of
 * its per-function `__name` wrappers), so the bench measures the JavaScript users run rather
 * than a transpiler's artifacts. lib/ sources win over stale compiled .js (measure.ts).
 */
if (!require('../bin/transpile').install()) require('tsx/cjs/api').register();
