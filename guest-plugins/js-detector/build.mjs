import { componentize } from '@bytecodealliance/componentize-js';
import { writeFileSync } from 'node:fs';
const { component } = await componentize({
  sourcePath: 'detector.js',
  witPath: '../../wit',
  worldName: 'detector-plugin',
  disableFeatures: ['stdio', 'random', 'clocks', 'http', 'fetch-event'],
});
writeFileSync('js_detector.wasm', component);
console.log('wrote', component.length, 'bytes');
