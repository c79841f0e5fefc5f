export { writeFileAtomic, writeJsonAtomic } from './atomic.js';
export { replaceDirectory } from './atomic-dir.js';
export { readJsonFile, readJsonFileSync } from './read-json.js';
