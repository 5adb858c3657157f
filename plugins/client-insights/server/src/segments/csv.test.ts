import { csvCell, csvStream } from './csv';

describe('csv', () => {
  it('quotes and neutralises cells', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell(null)).toBe('');
    expect(csvCell(-5)).toBe('-5');
  });

  it('streams a header and every batch', async () => {
    async function* batches() {
      yield [{ id: 1, name: 'A' }];
      yield [{ id: 2, name: 'B, Jr' }];
    }
    let text = '';
    for await (const chunk of csvStream(['id', 'name'], batches())) text += chunk;
    expect(text).toBe('id,name\n1,A\n2,"B, Jr"\n');
  });
});
