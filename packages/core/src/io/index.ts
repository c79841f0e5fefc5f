export { writeFileAtomic, writeJsonAtomic } from './atomic.js';
export { replaceDirectory, recoverInterruptedReplace } from './atomic-dir.js';
export { explainFsError, withFsErrors } from './fs-errors.js';
export { faultPoint, type FaultPoint } from './fault.js';
export { readJsonFile, readJsonFileSync } from './read-json.js';
