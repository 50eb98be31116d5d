// How a confirmation code reaches the voter's phone (P-2.3, P-6.7). Two implementations: the
// development outbox (dev-outbox.ts) and a generic HTTP adapter for an operator's gateway
// (http-gateway.ts); the routes know only this interface.

/**
 * Contract: `send` resolves once the gateway has accepted the message for delivery, and rejects
 * (with an error that contains neither the phone nor the text) when it has not.
 */
export interface SmsGateway {
  send(phone: string, text: string): Promise<void>;
}

/** A gateway refused or did not answer; the message is safe to log. */
export class SmsGatewayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SmsGatewayError';
  }
}
