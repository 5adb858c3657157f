import http from 'http';

/** A request the test receiver got. */
export type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; at: number; status: number };
export type Answer = { status: number; headers?: Record<string, string>; delayMs?: number };

/**
 * A real HTTP receiver for delivery tests: records every request (with when it arrived and the
 * status answered) and answers with the next queued answer, else the responder's (an outage that
 * lasts a while), else 200.
 */
export const startReceiver = async () => {
  const received: Received[] = [];
  const answers: Answer[] = [];
  let responder: ((at: number) => Answer | null) | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const answer = answers.shift() ?? responder?.(at) ?? { status: 200 };
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at,
        status: answer.status,
      });
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
    /** Answers by arrival time when no queued answer is left (null from it: 200). */
    respondWith: (fn: ((at: number) => Answer | null) | null) => {
      responder = fn;
    },
    reset: () => {
      received.length = 0;
      answers.length = 0;
      responder = null;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
