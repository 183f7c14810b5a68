import type { Model } from 'mongoose';

/**
 * Buffers documents per collection and inserts them in batches (insertMany, ordered: false, lean: no Mongoose
 * validation or hydration: the generator already produces valid documents).
 */
export class BatchWriter {
  private buffer: Record<string, unknown>[] = [];
  inserted = 0;

  constructor(
    private readonly model: Model<never>,
    private readonly batchSize = 5000,
  ) {}

  get name(): string {
    return this.model.collection.collectionName;
  }

  add(doc: Record<string, unknown>): void {
    this.buffer.push(doc);
  }

  get isFull(): boolean {
    return this.buffer.length >= this.batchSize;
  }

  async flush(): Promise<void> {
    while (this.buffer.length) {
      const batch = this.buffer.splice(0, this.batchSize);
      await this.model.insertMany(batch as never[], { ordered: false, lean: true });
      this.inserted += batch.length;
    }
  }
}

/** Flushes every writer whose buffer is full (or all of them with `force`). */
export async function flushWriters(writers: BatchWriter[], force = false): Promise<void> {
  for (const writer of writers) if (force || writer.isFull) await writer.flush();
}
