import { hyp2f1, lbeta, lgamma } from './special';

describe('lgamma', () => {
  it('matches log factorials and Γ(1/2) = √π', () => {
    let logFact = 0;
    for (let n = 1; n <= 30; n += 1) {
      expect(lgamma(n)).toBeCloseTo(logFact, 10);
      logFact += Math.log(n);
    }
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(lgamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 12);
  });
  it('satisfies Γ(x+1) = xΓ(x) on small and large arguments', () => {
    for (const x of [1e-4, 0.1, 0.3, 0.7, 2.5, 17.3, 250.1, 1e5]) {
      expect(lgamma(x + 1) - lgamma(x)).toBeCloseTo(Math.log(x), 8);
    }
  });
  it('lbeta(a, b) = ln(Γ(a)Γ(b)/Γ(a+b)): B(2,3) = 1/12', () => {
    expect(lbeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 12);
  });
});

describe('hyp2f1', () => {
  it('matches closed forms', () => {
    for (const z of [0, 0.1, 0.5, 0.9, 0.99]) {
      // 2F1(1,1;2;z) = -ln(1-z)/z
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(z === 0 ? 1 : -Math.log(1 - z) / z, 9);
      // 2F1(a,b;b;z) = (1-z)^-a
      expect(hyp2f1(2.7, 1.3, 1.3, z)).toBeCloseTo(Math.pow(1 - z, -2.7), 6);
    }
    // 2F1(1/2,1/2;3/2;x²) = arcsin(x)/x
    for (const x of [0.2, 0.6, 0.95]) expect(hyp2f1(0.5, 0.5, 1.5, x * x)).toBeCloseTo(Math.asin(x) / x, 10);
  });
  it('refuses z outside [0, 1)', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 2, -0.1)).toThrow(RangeError);
  });
});
