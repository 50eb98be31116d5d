/**
 * Time comes from an injected clock, never from `Date.now()` in domain code: tests move it, and
 * training runs compress the Procedure's weeks into hours (`TrainingClock`).
 */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved (tests). */
export class ManualClock implements Clock {
  #t: number;

  constructor(start: Date | string) {
    this.#t = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#t);
  }

  set(to: Date | string): void {
    this.#t = new Date(to).getTime();
  }

  advance(ms: number): void {
    this.#t += ms;
  }
}

/**
 * Scenario time for a training run: `scenarioStart` (a moment of the configured schedule) is reached
 * at `realStart`, and scenario time then runs `speed` times faster than real time.
 */
export class TrainingClock implements Clock {
  readonly #real: Clock;
  readonly #realStart: number;
  readonly #scenarioStart: number;
  readonly #speed: number;

  constructor(options: { scenarioStart: Date; realStart?: Date; speed: number; real?: Clock }) {
    if (!(options.speed > 0 && Number.isFinite(options.speed)))
      throw new RangeError('speed must be positive');
    this.#real = options.real ?? systemClock;
    this.#realStart = (options.realStart ?? this.#real.now()).getTime();
    this.#scenarioStart = options.scenarioStart.getTime();
    this.#speed = options.speed;
  }

  now(): Date {
    return new Date(this.#scenarioStart + (this.#real.now().getTime() - this.#realStart) * this.#speed);
  }
}
