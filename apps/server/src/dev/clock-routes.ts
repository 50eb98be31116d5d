// GET/POST /dev/clock: read and move the scenario clock of a training run (ScenarioClock), so a
// trainee, `opendeg demo` and the browser tests can go from the applications to voting day and on to
// the close without waiting weeks. Registered only for a training run, only outside production, and
// only when the server was started with a ScenarioClock (app.ts); public, as the dev SMS outbox is.
import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ApiError, bilingual } from '../errors.ts';
import type { ScenarioClock } from '@opendeg/deg';

const ClockState = Type.Object(
  {
    now: Type.String({ format: 'date-time' }),
    speed: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const devClockSchemas = {
  get: {
    summary: 'Training only: the scenario clock / Только для тренировки: часы сценария',
    tags: ['development'],
    response: { 200: ClockState },
  },
  post: {
    summary: 'Training only: move the scenario clock forward / Только для тренировки: перевести часы вперёд',
    tags: ['development'],
    body: Type.Object(
      {
        to: Type.String({ format: 'date-time' }),
        speed: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
      },
      { additionalProperties: false },
    ),
    response: { 200: ClockState },
  },
};

export const devClockRoutes: FastifyPluginCallbackTypebox<{ clock: ScenarioClock }> = (
  app,
  { clock },
  done,
) => {
  const state = (): { now: string; speed: number } => ({
    now: clock.now().toISOString(),
    speed: clock.speed,
  });
  app.get('/dev/clock', { schema: devClockSchemas.get, config: { allow: 'public' } }, () => state());
  app.post('/dev/clock', { schema: devClockSchemas.post, config: { allow: 'public' } }, (request) => {
    if (!clock.moveTo(new Date(request.body.to), request.body.speed)) {
      throw new ApiError(
        'CLOCK_BACKWARDS',
        409,
        bilingual({
          ru: 'Часы сценария переводятся только вперёд',
          en: 'The scenario clock only moves forward',
        }),
      );
    }
    return state();
  });
  done();
};
