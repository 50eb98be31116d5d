// Starts the server: configuration from the environment, graceful shutdown on SIGTERM/SIGINT.
// Without IDENTITY_ISSUER the built-in identity stand-in serves a generated register at /esia.
import { randomBytes } from 'node:crypto';
import { buildApp } from './app.ts';
import { systemClock } from './deps.ts';
import type { IdentityDeps } from './identity/config.ts';
import { generateRegister } from './identity/register.ts';

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function required(name: string): string {
  const value = env(name);
  if (value === undefined) throw new Error(`${name} must be set`);
  return value;
}

const port = Number(env('PORT') ?? '3000');
const host = env('HOST') ?? '127.0.0.1';
const publicUrl = env('PUBLIC_URL') ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
// A random secret logs everyone out on restart, which is acceptable only for the stand-in.
const cookieSecret = env('SESSION_SECRET') ?? randomBytes(32).toString('base64url');

const issuer = env('IDENTITY_ISSUER');
const identity: IdentityDeps = {
  publicUrl,
  cookieSecret,
  provider:
    issuer !== undefined
      ? {
          kind: 'external',
          issuer,
          clientId: required('IDENTITY_CLIENT_ID'),
          clientSecret: required('IDENTITY_CLIENT_SECRET'),
          ...(env('IDENTITY_SCOPE') !== undefined ? { scope: required('IDENTITY_SCOPE') } : {}),
        }
      : {
          kind: 'stand-in',
          register: generateRegister({
            seed: Number(env('REGISTER_SEED') ?? '1'),
            count: Number(env('REGISTER_SIZE') ?? '1000'),
            referenceDate: systemClock.now(),
          }),
          clientSecret: randomBytes(32).toString('base64url'),
          cookieKeys: [randomBytes(32).toString('base64url')],
        },
};

const app = await buildApp({ clock: systemClock, identity });

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) {
    app.log.warn({ signal }, 'second signal, exiting now');
    process.exit(1);
  }
  closing = true;
  app.log.info({ signal }, 'shutting down');
  try {
    await app.close();
    process.exit(0);
  } catch (error) {
    app.log.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => void shutdown(signal));
}

await app.listen({ port, host });
