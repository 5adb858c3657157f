import type { AddressInfo } from 'net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type SmtpSink = { mails: ParsedMail[]; env: Record<string, string>; close(): Promise<void> };

/**
 * A real SMTP server on a free local port that keeps every message it accepts, parsed, in `mails`;
 * `env` points the app's nodemailer provider at it.
 */
export const startSmtpSink = async (mails: ParsedMail[] = []): Promise<SmtpSink> => {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    // The app pools connections: closing ends them after a second rather than waiting for them.
    closeTimeout: 1000,
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    mails,
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_FROM: 'Client Insights <crm@insights.test>' },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
