// node build.mjs WIT_DIR OUT.wasm: detector.js as a component of world detector-plugin.
import { componentize } from '@bytecodealliance/componentize-js';
import { renameSync, writeFileSync } from 'node:fs';

const [witPath = '../../../wit', out = 'build/js-detector.wasm'] = process.argv.slice(2);
const { component } = await componentize({
  sourcePath: 'detector.js',
  witPath,
  worldName: 'detector-plugin',
  // Plugins are granted no WASI: without this the component would import
  // stdio, clocks, random and wasi:http, and the host would refuse it.
  disableFeatures: ['stdio', 'random', 'clocks', 'http', 'fetch-event'],
});
writeFileSync(`${out}.partial`, component);
renameSync(`${out}.partial`, out);
