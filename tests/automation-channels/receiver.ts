import http from 'http';

/** A request the test receiver got. */
export type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };
export type Answer = { status: number; headers?: Record<string, string>; delayMs?: number };

/**
 * A real HTTP receiver for delivery tests: records every request and answers with the next queued
 * answer (200 when the queue is empty).
 */
export const startReceiver = async () => {
  const received: Received[] = [];
  const answers: Answer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers.shift() ?? { status: 200 };
      setTimeout(() => {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end('ok');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (...next: Answer[]) => answers.push(...next),
    reset: () => {
      received.length = 0;
      answers.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
