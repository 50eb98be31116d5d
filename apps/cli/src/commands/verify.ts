/**
 * `opendeg verify <record>`: the observer's verifier (P-10.10). The command is
 * `packages/election/src/cli/verify-main.ts`, the one `opendeg-verify` runs, called as it is: same
 * arguments, same report, same exit codes (0 every check passed, 1 a check failed, 2 unreadable).
 */

// A relative import: @opendeg/election exports only its library surface, not its command.
import { main as verifyMain } from '@opendeg/election/cli/verify';
import type { CommandContext } from '../cli-io.ts';

export function runVerify(argv: readonly string[], ctx: CommandContext): Promise<number> {
  return verifyMain(argv, ctx.io);
}
