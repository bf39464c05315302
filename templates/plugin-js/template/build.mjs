// node build.mjs WIT_DIR OUT.wasm: plugin.js as a component of world {{role}}-plugin.
import { componentize } from '@bytecodealliance/componentize-js';
import { renameSync, writeFileSync } from 'node:fs';

const [witPath, out] = process.argv.slice(2);
const { component } = await componentize({
  sourcePath: 'plugin.js',
  witPath,
  worldName: '{{role}}-plugin',
  // workbench grants plugins no WASI; without this the component would
  // import stdio, clocks, random and wasi:http.
  disableFeatures: ['stdio', 'random', 'clocks', 'http', 'fetch-event'],
});
writeFileSync(`${out}.partial`, component);
renameSync(`${out}.partial`, out);
