import { expectedProgress, tunePersistence } from '../../scripts/seed/activity';
import { createRandom, mulberry32 } from '../../scripts/seed/random';

describe("the seeder's randomness", () => {
  it('is reproducible from the seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(createRandom(1).hex(12)).toBe(createRandom(1).hex(12));
    expect(createRandom(1).hex(12)).not.toBe(createRandom(2).hex(12));
  });

  it('tunes persistence so that the expected progress records per learner hit the target', () => {
    const persistence = tunePersistence(10, 0.92, 9);
    const { visits, completions } = expectedProgress({ start: 0.92, persistence }, 9);
    expect(visits + completions).toBeCloseTo(10, 6);
  });
});
