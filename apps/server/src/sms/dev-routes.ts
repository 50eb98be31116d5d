// GET /dev/sms?phone=…: the latest messages of the development outbox for one phone, so that a
// training run's participants and the tests can read their confirmation codes. Registered only
// with the outbox gateway and only when NODE_ENV is not `production` (app.ts).
import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { DevOutboxSms } from './dev-outbox.ts';

export const devSmsSchema = {
  summary: 'Development only: SMS sent to a phone / Только для разработки: SMS на номер',
  tags: ['development'],
  querystring: Type.Object(
    { phone: Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' }) },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object(
      {
        messages: Type.Array(
          Type.Object(
            { text: Type.String(), sentAt: Type.String({ format: 'date-time' }) },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
};

export const devSmsRoutes: FastifyPluginCallbackTypebox<{ outbox: DevOutboxSms }> = (
  app,
  { outbox },
  done,
) => {
  // Public, as the outbox is: this route exists only outside production.
  app.get('/dev/sms', { schema: devSmsSchema, config: { allow: 'public' } }, async (request) => {
    const messages = await outbox.latest(request.query.phone);
    return { messages: messages.map((m) => ({ text: m.text, sentAt: m.sentAt.toISOString() })) };
  });
  done();
};
