import { compareObservations, globMatches, normalize } from './connect-parity/compare';
import { DECLARED } from './connect-parity/differences';

// The differential test is only as good as its comparison: these check it sees what it must.
describe('connect-parity comparison', () => {
  const paths = (connect: unknown, sluice: unknown, options = {}) =>
    compareObservations('step', { status: 200, body: connect }, { status: 200, body: sluice }, options).map(
      (difference) => `${difference.path}: ${difference.connect} | ${difference.sluice}`,
    );

  it('reports statuses, Location, missing and extra keys, types and values', () => {
    const differences = compareObservations(
      'step',
      { status: 201, location: 'http://h/connectors/a', body: { a: 1, b: 'x', c: null } },
      { status: 200, location: '/connectors/a', body: { a: '1', b: 'y', d: true } },
    );
    expect(differences.map((d) => d.path)).toEqual(['status', 'Location', '$.a', '$.b', '$.c', '$.d']);
  });

  it('compares arrays by index and length, by key, or by merged shape', () => {
    expect(paths([1, 2], [1, 3, 4])).toEqual(['$.length: 2 | 3', '$[1]: 2 | 3']);
    const keyed = { keyBy: { $: 'name' } };
    expect(paths([{ name: 'a', v: 1 }, { name: 'b' }], [{ name: 'b' }, { name: 'a', v: 2 }], keyed)).toEqual([
      '$[name=a].v: 1 | 2',
    ]);
    expect(paths([{ name: 'a' }], [], keyed)).toEqual(['$[name=a]: "present" | absent']);
    expect(paths([{ a: 1 }, { a: 2 }], [{ a: 3, b: 'x' }], { shapeOnly: ['$'] })).toEqual([
      '$[*].b: absent | "string"',
    ]);
  });

  it('ignores only the values it is told to, never a missing key', () => {
    const options = { ignoreValues: ['*.version'] };
    expect(paths({ s: { version: '4.1.1' } }, { s: { version: '0.1.0' } }, options)).toEqual([]);
    expect(paths({ s: { version: '4.1.1' } }, { s: {} }, options)).toEqual(['$.s.version: "4.1.1" | absent']);
    expect(paths({ s: { version: '4.1.1' } }, { s: { version: 4 } }, options)).toEqual(['$.s.version: "4.1.1" | 4']);
  });

  it("replaces each side's own strings, in keys too", () => {
    expect(
      normalize({ 'p1-src': { file: '/d1/x', id: 'p1-src' } }, [
        ['/d1', '<DIR>'],
        ['p1', '<P>'],
      ]),
    ).toEqual({
      '<P>-src': { file: '<DIR>/x', id: '<P>-src' },
    });
  });

  it('matches globs whole, with regular-expression characters taken literally', () => {
    expect(globMatches('GET /connectors/*/status', 'GET /connectors/a/status')).toBe(true);
    expect(globMatches('$.transformation.Header*From$*', '$.transformation.HeaderFrom$Key')).toBe(true);
    expect(globMatches('GET /', 'GET /connectors')).toBe(false);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });

  it('lists every declared difference with a reason', () => {
    for (const entry of DECLARED) expect(entry.reason.length).toBeGreaterThan(5);
  });
});
