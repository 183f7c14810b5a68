import { LruCache } from '../../src/lru-cache';

describe('LruCache', () => {
  it('drops the least recently used entries once the total size passes the bound', () => {
    const cache = new LruCache<string>(10);
    cache.set('a', 'A', 4);
    cache.set('b', 'B', 4);
    expect(cache.get('a')).toBe('A'); // a is now more recent than b
    cache.set('c', 'C', 4);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
  });

  it('counts a replaced entry once, and keeps nothing larger than the bound', () => {
    const cache = new LruCache<number>(3);
    for (let i = 0; i < 10; i += 1) cache.set('same', i);
    cache.set('x', 0);
    cache.set('y', 0);
    expect(cache.get('same')).toBe(9);
    cache.set('huge', 1, 4);
    expect(cache.get('huge')).toBeUndefined();
    cache.delete('x');
    cache.set('z', 0);
    expect([cache.get('same'), cache.get('y'), cache.get('z')]).toEqual([9, 0, 0]);
  });
});
