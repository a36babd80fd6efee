#!/usr/bin/env node
// The build step after tsc (npm run build): writes dist/catalog.json, the description of every
// built-in scenario that `lockstep list` prints without loading the modules
// (src/harness/catalog-file.ts explains when it is used, test/catalog.test.ts checks it).
// Silent on success, like tsc; a built-in that fails to load fails the build.
const { writeCatalog } = await import(new URL('../dist/src/harness/catalog-gen.js', import.meta.url).href);
await writeCatalog();
