// The clock of a training run or a demo: scenario time that runs at `speed` times real time from a
// set moment and can be moved forward to the next phase of the Procedure (applications, voting in
// the first region, the close in Kaliningrad …), never back, so nothing recorded ever lies in the
// future of a later record. Production uses the system clock; this clock exists only for training
// runs (apps/server/src/dev/clock-routes.ts).
import type { Clock } from '../deps.ts';

export class ScenarioClock implements Clock {
  readonly #real: Clock;
  #realStart: number;
  #scenarioStart: number;
  #speed: number;

  constructor(options: { start: Date; speed?: number; real?: Clock }) {
    this.#real = options.real ?? { now: () => new Date() };
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
