import type { Model } from 'mongoose';
import { discriminatorFilter } from '../../src/learning/learner-fact.model';

/**
 * Buffers documents per collection and inserts them in batches (insertMany, ordered: false, lean: no Mongoose
 * validation or hydration: the generator already produces valid documents). A full batch is sent while the
 * generator goes on, with one batch in flight per collection: the database then works on its own cores while
 * this process generates (sending and waiting in turn left a core idle).
 */
export class BatchWriter {
  private buffer: Record<string, unknown>[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  inserted = 0;

  constructor(
    private readonly model: Model<never>,
    private readonly batchSize = 5000,
  ) {}

  /** The collection, or for a kind of learner fact (they share learnerFacts) the kind's own plural name. */
  get name(): string {
    const kind = discriminatorFilter(this.model);
    return Object.keys(kind).length
      ? `${this.model.modelName[0]!.toLowerCase()}${this.model.modelName.slice(1)}s`
      : this.model.collection.collectionName;
  }

  /** Lean inserts skip Mongoose's casting, so a learner fact's kind is set here. */
  add(doc: Record<string, unknown>): void {
    this.buffer.push({ ...discriminatorFilter(this.model), ...doc });
  }

  get isFull(): boolean {
    return this.buffer.length >= this.batchSize;
  }

  /** Starts inserting one batch once the previous one has been stored (its failure surfaces here). */
  private async send(): Promise<void> {
    const batch = this.buffer.splice(0, this.batchSize);
    await this.inFlight;
    this.inFlight = this.model.insertMany(batch as never[], { ordered: false, lean: true }).then(() => {
      this.inserted += batch.length;
    });
    // Marked as handled here; the rejection is still thrown to whoever awaits it next.
    this.inFlight.catch(() => undefined);
  }

  async sendIfFull(): Promise<void> {
    if (this.isFull) await this.send();
  }

  /** Sends everything buffered and waits until it is stored. */
  async flush(): Promise<void> {
    while (this.buffer.length) await this.send();
    await this.inFlight;
  }
}

/** Sends the batches of full writers (or, with `force`, stores everything buffered and waits for it). */
export async function flushWriters(writers: BatchWriter[], force = false): Promise<void> {
  if (force) await Promise.all(writers.map((writer) => writer.flush()));
  else for (const writer of writers) await writer.sendIfFull();
}
