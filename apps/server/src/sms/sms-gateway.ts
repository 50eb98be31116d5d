// How a confirmation code reaches the voter's phone (P-2.3, P-6.7). Two implementations: the
// development outbox (dev-outbox.ts) and a generic HTTP adapter for an operator's gateway
// (http-gateway.ts); the routes know only this interface.
import type pg from 'pg';

/**
 * Contract: `send` resolves once the gateway has accepted the message for delivery, and rejects
 * (with an error that contains neither the phone nor the text) when it has not.
 */
export interface SmsGateway {
  /**
   * `db` is the caller's open transaction, when it sends from inside one: a gateway that writes to
   * the database (the development outbox) must use it, since taking a second connection from the
   * pool while every connection holds such a transaction would wait for a connection forever.
   */
  send(phone: string, text: string, db?: pg.ClientBase): Promise<void>;
}

/** A gateway refused or did not answer; the message is safe to log. */
export class SmsGatewayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SmsGatewayError';
  }
}
