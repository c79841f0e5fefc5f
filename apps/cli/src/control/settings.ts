import { z } from 'zod';

/**
 * `control:` in forge.yaml: after the run, one plain TinyTitan of the final model's size trained on the
 * same data for the same training FLOPs, measured beside the pipeline's models.
 */
export const ControlSettingsSchema = z
  .object({
    /** Train the control (`--control` / `--no-control`); default: on at `small` and `paper`, off at `tiny`. */
    enabled: z.boolean().optional(),
    /** Seed of the control's initialisation and data order, apart from the run's own. */
    seed: z.number().int().default(1),
  })
  .strict();

/** Parsed {@link ControlSettingsSchema}. */
export type ControlSettings = z.output<typeof ControlSettingsSchema>;
