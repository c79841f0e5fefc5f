/** One registry shape for every family of methods: entries by name, each with a display name and a reference URL. */
export { Registry, type RegistryEntry, type RegistryOptions } from './registry.js';
