/**
 * The W&B HTTP API as the Python SDK's classic transport uses it: a GraphQL `upsertBucket`
 * mutation creates the run (and updates its config), then the `file_stream` endpoint receives
 * history lines by offset and finally `complete`. Auth is HTTP basic `api:<key>`.
 * Done with `fetch` instead of the `@wandb/sdk` npm package, whose last release is from 2024.
 */
export interface WandbUploaderOptions {
  readonly apiKey: string;
  readonly runName: string;
  readonly startedAt: number;
  readonly baseUrl?: string;
  readonly project?: string;
  readonly entity?: string;
  readonly fetch?: typeof fetch;
  readonly flushIntervalMs?: number;
  readonly warn?: (message: string) => void;
}

const UPSERT_BUCKET = `mutation UpsertBucket($name: String, $project: String, $entity: String, $config: JSONString, $displayName: String, $program: String) {
  upsertBucket(input: {name: $name, modelName: $project, entityName: $entity, config: $config, displayName: $displayName, jobProgram: $program}) {
    bucket { id name project { name entity { name } } }
  }
}`;

interface UpsertResponse {
  data?: { upsertBucket?: { bucket?: { name?: string; project?: { name?: string; entity?: { name?: string } } } } };
  errors?: Array<{ message?: string }>;
}

export class WandbUploader {
  private readonly options: WandbUploaderOptions;
  private readonly fetch: typeof fetch;
  private readonly baseUrl: string;
  private readonly project: string;
  private entity: string | undefined;
  private chain: Promise<void>;
  private failed = false;
  private queued: string[] = [];
  private offset = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: WandbUploaderOptions) {
    this.options = options;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.baseUrl = (options.baseUrl ?? 'https://api.wandb.ai').replace(/\/+$/, '');
    this.project = options.project ?? 'agent-forge';
    this.entity = options.entity;
    this.chain = this.guard(() => this.upsert(undefined));
  }

  history(lines: readonly string[]): void {
    if (this.failed) return;
    this.queued.push(...lines);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.chain = this.chain.then(() => this.guard(() => this.sendHistory()));
    }, this.options.flushIntervalMs ?? 2000);
    this.timer.unref?.();
  }

  config(config: Record<string, { value: unknown }>): void {
    this.chain = this.chain.then(() => this.guard(() => this.upsert(config)));
  }

  /** Sends what is queued, the summary, and marks the run finished; resolves even when W&B is unreachable. */
  async finish(summary: Record<string, number>): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    await this.guard(async () => {
      await this.sendHistory();
      await this.stream({ files: { 'wandb-summary.json': { offset: 0, content: [JSON.stringify(summary)] } } });
      await this.stream({ complete: true, exitcode: 0 });
    });
  }

  private async guard(work: () => Promise<void>): Promise<void> {
    if (this.failed) return;
    try {
      await work();
    } catch (error) {
      this.failed = true;
      this.queued = [];
      const message = error instanceof Error ? error.message : String(error);
      (this.options.warn ?? ((m: string) => console.warn(m)))(
        `wandb: upload stopped (${message}); the run goes on and its local copy stays in runs/<id>/wandb/`,
      );
    }
  }

  private headers(): Record<string, string> {
    return {
      authorization: `Basic ${Buffer.from(`api:${this.options.apiKey}`).toString('base64')}`,
      'content-type': 'application/json',
    };
  }

  private async post(url: string, body: unknown): Promise<unknown> {
    const response = await this.fetch(url, { method: 'POST', headers: this.headers(), body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
    return response.json();
  }

  private async upsert(config: Record<string, { value: unknown }> | undefined): Promise<void> {
    const variables = {
      name: this.options.runName,
      project: this.project,
      entity: this.entity,
      displayName: this.options.runName,
      program: 'forge',
      config: config ? JSON.stringify(config) : undefined,
    };
    const answer = (await this.post(`${this.baseUrl}/graphql`, { query: UPSERT_BUCKET, variables })) as UpsertResponse;
    if (answer.errors?.length) throw new Error(`upsertBucket: ${answer.errors.map((e) => e.message).join('; ')}`);
    this.entity ??= answer.data?.upsertBucket?.bucket?.project?.entity?.name;
    if (!this.entity) throw new Error('upsertBucket did not name the entity');
  }

  private async sendHistory(): Promise<void> {
    if (this.queued.length === 0) return;
    const content = this.queued;
    this.queued = [];
    await this.stream({ files: { 'wandb-history.jsonl': { offset: this.offset, content } } });
    this.offset += content.length;
  }

  private async stream(body: unknown): Promise<void> {
    const run = [this.entity ?? '', this.project, this.options.runName].map(encodeURIComponent).join('/');
    await this.post(`${this.baseUrl}/files/${run}/file_stream`, body);
  }
}
