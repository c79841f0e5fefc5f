/**
 * The queue's Redis address: `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS), as
 * `forge run --queue` and `forge worker --queue` take it, and the one queue every run shares.
 */
import { ForgeError } from '@agent-forge/core';
import type { RedisOptions } from 'bullmq';
import { z } from 'zod';

/** Name of the BullMQ queue units go through; one queue serves every run (jobs name their run directory). */
export const UNIT_QUEUE = 'forge-units';

/** Validates a queue URL: `redis://host:port` (port default 6379), optional user, password and `/db`. */
export const QueueUrlSchema = z
  .string()
  .min(1)
  .refine((value) => /^rediss?:\/\/[^/]+/.test(value), { message: 'expected redis://host:port (or rediss://…)' });

/** Connection options for BullMQ (ioredis) from a queue URL; a bad URL is a ForgeError on `field`. */
export function redisOptions(url: string, field = '--queue'): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ForgeError(`'${url}' is not a URL; expected redis://host:port`, { field });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new ForgeError(`'${url}' is not a redis:// URL`, { field });
  if (!parsed.hostname) throw new ForgeError(`'${url}' names no host`, { field });
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new ForgeError(`'${url}': the path must be a database number`, { field });
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: db === '' ? 0 : Number(db),
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // BullMQ's blocking commands need this (its docs: workers must not give up on a slow reply).
    maxRetriesPerRequest: null,
  };
}

/** Where a queue URL points, without its password, for logs. */
export function displayUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
