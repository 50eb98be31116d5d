/**
 * Time comes from an injected clock, never from `Date.now()` in domain code: tests move it, and
 * training runs compress the Procedure's weeks into hours (`ScenarioClock`).
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
 * Scenario time for a training run or a demo: scenario time `start` is reached now (on the `real`
 * clock) and then runs `speed` times faster than real time (0 stands still). It can be moved
 * forward to the next phase of the Procedure (applications, voting in the first region, the close
 * in Kaliningrad …), never back, so nothing recorded ever lies in the future of a later record.
 * Production uses the system clock; the server uses this one only for training runs
 * (apps/server/src/dev/clock-routes.ts).
 */
export class ScenarioClock implements Clock {
  readonly #real: Clock;
  #realStart: number;
  #scenarioStart: number;
  #speed: number;

  constructor(options: { start: Date; speed?: number; real?: Clock }) {
    this.#real = options.real ?? systemClock;
    this.#realStart = this.#real.now().getTime();
    this.#scenarioStart = options.start.getTime();
    this.#speed = ScenarioClock.#checkSpeed(options.speed ?? 1);
  }

  static #checkSpeed(speed: number): number {
    if (!(Number.isFinite(speed) && speed >= 0 && speed <= 100_000)) {
      throw new RangeError('speed must be between 0 and 100000');
    }
    return speed;
  }

  get speed(): number {
    return this.#speed;
  }

  now(): Date {
    return new Date(this.#scenarioStart + (this.#real.now().getTime() - this.#realStart) * this.#speed);
  }

  /**
   * Moves scenario time to `to` (not before the current scenario time) and sets the speed from
   * here on. Returns false, changing nothing, when `to` lies in the scenario's past.
   */
  moveTo(to: Date, speed: number = this.#speed): boolean {
    const checked = ScenarioClock.#checkSpeed(speed);
    if (to.getTime() < this.now().getTime()) return false;
    this.#realStart = this.#real.now().getTime();
    this.#scenarioStart = to.getTime();
    this.#speed = checked;
    return true;
  }
}
