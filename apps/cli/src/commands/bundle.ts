/**
 * `opendeg bundle make|verify|load`: the signed list and ballot bundles (P-3.1, P-3.2). They are being
 * built on the CMS signatures of `packages/deg/src/signatures`; until then every bundle command says
 * so and exits 2, rather than pretend to sign or check anything.
 */

import { CliError, EXIT_USAGE } from '../cli-io.ts';
import type { CommandContext } from '../cli-io.ts';

export function runNotYet(_argv: readonly string[], _ctx: CommandContext): Promise<number> {
  return Promise.reject(
    new CliError(
      EXIT_USAGE,
      'ещё не реализовано: подписанные пакеты появятся с подписями CMS (packages/deg/src/signatures) / ' +
        'not yet implemented: signed bundles come with the CMS signatures (packages/deg/src/signatures)',
    ),
  );
}
