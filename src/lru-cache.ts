/**
 * A least-recently-used cache bounded by the total size of its entries (each entry says how big it is; give 1 to
 * bound the number of entries). Reading an entry makes it the most recent; adding one past the bound drops the
 * least recent until the total fits. An entry larger than the whole bound is not kept.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private total = 0;

  constructor(private readonly maxSize: number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, size = 1): void {
    this.delete(key);
    if (size > this.maxSize) return;
    this.entries.set(key, { value, size });
    this.total += size;
    for (const [oldKey, entry] of this.entries) {
      if (this.total <= this.maxSize) break;
      this.entries.delete(oldKey);
      this.total -= entry.size;
    }
  }

  /** How many entries are kept. */
  get count(): number {
    return this.entries.size;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.size;
  }
}
