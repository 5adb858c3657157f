/**
 * Field-encryption micro-benchmark (npm run bench:crypto): the CPU cost per value of what every
 * customer write and read now does (core/security/field-crypto.ts): encrypt, decrypt, the keyed
 * hash, and a whole row both ways (email, phone, notes + two hashes), over realistic values.
 * No database. Prints a table and writes bench/results/crypto.json. Scale: a 1M-customer bulk seed
 * pays `encryptRow` once per customer; a page of 100 customers pays `decryptRow` 100 times.
 */
import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { decryptRow, decryptText, encryptRow, encryptText, hashValue, keyringOf } from '../plugins/client-insights/server/src/core/security/field-crypto';

const N = Number(process.env.BENCH_CRYPTO_N ?? 200_000);
const ring = keyringOf(`b1:${crypto.randomBytes(32).toString('base64')}`, crypto.randomBytes(32).toString('base64'));
const email = (i: number) => `given.surname${i}@example.com`;
const phone = (i: number) => `+86 1${String(i).padStart(10, '0')}`;
const NOTE = '家长希望申请英国硕士，预算充足，偏好电话沟通 / prefers calls after 6 pm';

/** Nanoseconds per operation of `fn` over N iterations (after a warm-up of N/10). */
const perOp = (fn: (i: number) => unknown) => {
  for (let i = 0; i < N / 10; i += 1) fn(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i += 1) fn(i);
  return Number(process.hrtime.bigint() - started) / N;
};

const encrypted = Array.from({ length: 1000 }, (_, i) => encryptText(email(i), ring));
const rows = Array.from({ length: 1000 }, (_, i) => encryptRow({ email: email(i), phone: phone(i), notes: NOTE }, ring));

const results = {
  encryptEmail: perOp((i) => encryptText(email(i), ring)),
  decryptEmail: perOp((i) => decryptText(encrypted[i % 1000], ring)),
  hashEmail: perOp((i) => hashValue('email', email(i), ring)),
  hashPhone: perOp((i) => hashValue('phone', phone(i), ring)),
  encryptRow: perOp((i) => encryptRow({ email: email(i), phone: phone(i), notes: NOTE }, ring)),
  decryptRow: perOp((i) => decryptRow({ ...rows[i % 1000] }, ring)),
};

const us = (ns: number) => (ns / 1000).toFixed(2);
console.log(`field encryption, ${N} operations each (node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'})`);
for (const [name, ns] of Object.entries(results)) console.log(`  ${name.padEnd(14)} ${us(ns).padStart(8)} µs/op`);
console.log(`  1M-customer seed: +${((results.encryptRow * 1e6) / 1e9).toFixed(1)} s CPU; a page of 100: +${((results.decryptRow * 100) / 1e6).toFixed(2)} ms`);

const out = path.join(__dirname, 'results', 'crypto.json');
fs.writeFileSync(
  out,
  JSON.stringify(
    {
      at: new Date().toISOString(),
      node: process.version,
      cpu: os.cpus()[0]?.model ?? null,
      operations: N,
      microsecondsPerOperation: Object.fromEntries(Object.entries(results).map(([k, ns]) => [k, Number(us(ns))])),
      seed1mCpuSeconds: Number(((results.encryptRow * 1e6) / 1e9).toFixed(2)),
      page100Ms: Number(((results.decryptRow * 100) / 1e6).toFixed(3)),
    },
    null,
    2
  ) + '\n'
);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
