import { fork, type ChildProcess } from 'child_process';
import path from 'path';
import type { TestApp } from '../helpers/strapi';
import { testEnv } from '../helpers/strapi';

/** Starts another Strapi process on `app`'s database; resolves once it has booted. */
export const startNode = (app: TestApp, extra: Record<string, string> = {}) =>
  new Promise<{ child: ChildProcess; messages: any[]; exited: Promise<number | null> }>((resolve, reject) => {
    const child = fork(path.join(__dirname, 'fixtures', 'strapi-node.js'), [], {
      env: { ...process.env, ...testEnv(app.db), ...extra },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const messages: any[] = [];
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.on('message', (m: any) => {
      messages.push(m);
      if (m.ready) resolve({ child, messages, exited });
    });
    child.on('error', reject);
    exited.then((code) => reject(new Error(`node exited early with ${code}`)));
  });

export const waitFor = async <T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};
