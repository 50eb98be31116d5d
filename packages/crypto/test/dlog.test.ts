// Baby-step giant-step discrete logarithm for tallies, sized to the electorate.
import { describe, expect, test } from 'vitest';
import { DiscreteLogTable } from '../src/dlog.ts';
import { allGroups } from './groups.ts';

describe.each(allGroups)('discrete log ($name)', ({ group: g }) => {
  test('finds every value in a small range, including the bounds', () => {
    const table = new DiscreteLogTable(g, 300);
    for (let m = 0; m <= 300; m++) expect(table.solve(g.multiplyBase(BigInt(m)))).toBe(m);
  });

  test('10⁷ electorate: values at the edges and in between', () => {
    const max = 10_000_000;
    const table = new DiscreteLogTable(g, max);
    for (const m of [0, 1, table.babySteps - 1, table.babySteps, 4_999_999, max - 1, max]) {
      expect(table.solve(g.multiplyBase(BigInt(m)))).toBe(m);
    }
  });

  test('a value above the bound is reported, not guessed', () => {
    const table = new DiscreteLogTable(g, 1000);
    expect(() => table.solve(g.multiplyBase(1001n))).toThrow(
      expect.objectContaining({ code: 'DLOG_NOT_FOUND' }),
    );
    expect(() => table.solve(g.multiplyBase(g.randomScalar()))).toThrow(
      expect.objectContaining({ code: 'DLOG_NOT_FOUND' }),
    );
  });

  test('custom table size gives the same answers', () => {
    const table = new DiscreteLogTable(g, 100_000, 17);
    expect(table.solve(g.multiplyBase(99_999n))).toBe(99_999);
  });

  test('baby steps whose keys collide are all kept (gost256b: identity and g = (1, y) share a prefix)', () => {
    // A table of 2 baby steps holds exactly 0·g and 1·g; every value must still be found.
    const table = new DiscreteLogTable(g, 50, 2);
    for (let m = 0; m <= 50; m++) expect(table.solve(g.multiplyBase(BigInt(m)))).toBe(m);
  });
});
