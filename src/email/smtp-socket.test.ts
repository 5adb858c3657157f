import net from 'net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { noDelaySocket } from './smtp-socket';

describe('noDelaySocket (nodemailer getSocket)', () => {
  let server: SMTPServer;
  let port: number;
  const received: string[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, done) {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        stream.on('end', () => {
          received.push(text);
          done();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('hands nodemailer a connected socket over which pooled mails are delivered', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, pool: true, maxConnections: 1, ignoreTLS: true, getSocket: noDelaySocket } as any);
    try {
      for (const n of [1, 2, 3]) await transport.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: `mail ${n}`, text: 'hello' });
    } finally {
      transport.close();
    }
    expect(received.map((m) => /^Subject: (.+)$/m.exec(m)?.[1]?.trim())).toEqual(['mail 1', 'mail 2', 'mail 3']);
  });

  it('answers a refused connection with its error, so the send fails as a connection error (retried later)', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const freePort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await new Promise<any>((resolve) => noDelaySocket({ host: '127.0.0.1', port: freePort }, (e) => resolve(e)));
    expect(error).toMatchObject({ code: 'ECONNECTION', message: expect.stringContaining('ECONNREFUSED') });
  });
});
