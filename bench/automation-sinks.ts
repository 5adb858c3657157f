/**
 * The receivers of `npm run bench:automation`, in a child process of their own so their work does
 * not share the engine's event loop: a keep-alive HTTP server for webhooks and an SMTP sink
 * (smtp-server). Each counts what it got by its idempotency key (webhook-id, Message-ID), so the
 * benchmark also sees a duplicate, and measures event → arrival latency from the `sentAt` the
 * benchmark put in the event. Talks to the parent over IPC: `report` answers the counts, `reset`
 * clears them.
 */
import http from 'http';
import { SMTPServer } from 'smtp-server';

type Counts = { received: number; distinct: number; duplicates: number; latenciesMs: number[] };

const counter = () => {
  const seen = new Set<string>();
  const counts: Counts = { received: 0, distinct: 0, duplicates: 0, latenciesMs: [] };
  return {
    counts,
    add(key: string, sentAt?: number) {
      counts.received += 1;
      if (seen.has(key)) counts.duplicates += 1;
      else {
        seen.add(key);
        counts.distinct += 1;
      }
      if (sentAt) counts.latenciesMs.push(Date.now() - sentAt);
    },
    reset() {
      seen.clear();
      Object.assign(counts, { received: 0, distinct: 0, duplicates: 0, latenciesMs: [] });
    },
  };
};

const main = async () => {
  const webhooks = counter();
  const mails = counter();
  const web = http.createServer({ keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let sentAt: number | undefined;
      try {
        sentAt = Number(JSON.parse(Buffer.concat(chunks).toString('utf8'))?.trigger?.data?.sentAt) || undefined;
      } catch {
        sentAt = undefined;
      }
      webhooks.add(String(req.headers['webhook-id'] ?? ''), sentAt);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  web.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', () => resolve()));

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    maxClients: 100,
    onData(stream, _session, done) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString('utf8');
      });
      stream.on('end', () => {
        mails.add(/^message-id:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? '');
        done();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));

  process.on('message', (message: { type: string }) => {
    if (message.type === 'reset') {
      webhooks.reset();
      mails.reset();
      process.send!({ type: 'reset' });
    }
    if (message.type === 'report') process.send!({ type: 'report', webhooks: webhooks.counts, mails: mails.counts });
    if (message.type === 'stop') process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', webhookPort: (web.address() as { port: number }).port, smtpPort: (smtp.server.address() as { port: number }).port });
};

void main();
