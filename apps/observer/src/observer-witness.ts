/**
 * The node as a C2SP tlog-witness (`POST <prefix>/add-checkpoint`, c2sp.org/tlog-witness): it
 * cosigns a checkpoint only when its own follower has verified that tree — the checkpoint's root is
 * the root of the node's replica at that size, every entry of which the node fetched and rehashed —
 * and only while it has raised no alarm. The protocol itself (signature, old size, consistency proof,
 * compare-and-swap of the witness state, the tlog-cosignature) is packages/ledger's `Witness`, on a
 * PostgreSQL `WitnessStore`.
 */

import { equalBytes } from '@opendeg/crypto';
import {
  parseAddCheckpointRequest,
  parseCheckpoint,
  splitNote,
  Witness,
  type NoteSigner,
  type NoteVerifier,
  type WitnessResponse,
  type WitnessStore,
} from '@opendeg/ledger';

import type { Follower } from './follower.ts';

const refuse = (status: number, body: string): WitnessResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: `${body}\n`,
});

export class ObserverWitness {
  private readonly witness: Witness;

  constructor(
    private readonly follower: Follower,
    logVerifier: NoteVerifier,
    signer: NoteSigner,
    store: WitnessStore,
  ) {
    this.witness = new Witness({
      signers: [signer],
      logs: new Map([[follower.origin, [logVerifier]]]),
      store,
    });
  }

  async addCheckpoint(body: string | Uint8Array): Promise<WitnessResponse> {
    let text: string | undefined;
    try {
      text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      text = undefined;
    }
    const req = text === undefined ? undefined : parseAddCheckpointRequest(text);
    const split = req === undefined ? undefined : splitNote(req.checkpoint);
    const cp = split?.ok === true ? parseCheckpoint(split.value.text) : undefined;
    // Malformed requests and other logs: the ledger's witness gives the protocol's answers.
    if (text === undefined || cp?.ok !== true || cp.value.origin !== this.follower.origin) {
      return this.witness.addCheckpoint(body);
    }
    if (this.follower.alarmTotal > 0) return refuse(422, 'this observer node has raised an alarm');
    const { size, root } = cp.value;
    let mine = await this.follower.rootAt(size);
    if (mine === undefined) {
      // The log asks as soon as it has committed: follow it first.
      await this.follower.poll();
      if (this.follower.alarmTotal > 0) return refuse(422, 'this observer node has raised an alarm');
      mine = await this.follower.rootAt(size);
    }
    if (mine === undefined) return refuse(422, `this observer node has not verified a tree of size ${size}`);
    if (!equalBytes(mine, root))
      return refuse(422, `the tree of size ${size} is not the one this node verified`);
    return this.witness.addCheckpoint(body);
  }
}
