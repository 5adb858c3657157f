import { csvCell, csvStream, UTF8_BOM } from './csv';
import { csvFormatter } from './csv-locale';

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
    for await (const chunk of await csvStream(['id', 'name'], batches())) text += chunk;
    expect(text).toBe(`${UTF8_BOM}id,name\n1,A\n2,"B, Jr"\n`);
  });

  it('writes labels, translated codes and local dates with a format', async () => {
    async function* batches() {
      yield [{ id: 1, stage: 'signed', createdAt: '2026-06-30T17:05:00.000Z', quadrant: 'mystery' }];
    }
    let text = '';
    const format = csvFormatter({ locale: 'zh-Hans', timeZone: 'Asia/Shanghai' });
    for await (const chunk of await csvStream(['id', 'stage', 'createdAt', 'quadrant'], batches(), format)) text += chunk;
    // 17:05 UTC is 01:05 the next day in Shanghai; an unknown code stays as it is.
    expect(text).toBe(`${UTF8_BOM}ID,阶段,成为客户时间,价值象限\n1,已签约,2026/07/01 01:05,mystery\n`);
  });

  it('fails before streaming when the first batch fails, so the caller can answer with an error', async () => {
    // eslint-disable-next-line require-yield
    async function* failing(): AsyncGenerator<Array<{ id: number }>> {
      throw new Error('value "9007199254740991" is out of range for type integer');
    }
    await expect(csvStream(['id'], failing())).rejects.toThrow(/out of range/);
  });

  it('streams only the header when there are no rows', async () => {
    async function* none(): AsyncGenerator<Array<{ id: number }>> {}
    let text = '';
    for await (const chunk of await csvStream(['id'], none())) text += chunk;
    expect(text).toBe(`${UTF8_BOM}id\n`);
  });
});
