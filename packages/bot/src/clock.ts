// Injectable time. Production uses systemClock; tests advance a ManualClock by hand so a
// 10-minute incident runs in milliseconds; demos use a ScaledClock (simulated time runs `speed`x).

export interface Clock {
  /** Milliseconds since the Unix epoch, in this clock's time. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  #now: number;
  constructor(startMs = Date.parse("2026-11-26T03:00:00Z")) {
    this.#now = startMs;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    if (ms < 0) throw new RangeError("a clock cannot go backwards");
    this.#now += ms;
  }
  set(ms: number): void {
    if (ms < this.#now) throw new RangeError("a clock cannot go backwards");
    this.#now = ms;
  }
}

/** Real time, sped up: after one real second, `speed` simulated seconds have passed. */
export class ScaledClock implements Clock {
  readonly #startReal: number;
  readonly #startSim: number;
  readonly #speed: number;
  readonly #real: () => number;
  constructor(speed: number, startSimMs = Date.now(), real: () => number = Date.now) {
    if (!(speed > 0)) throw new RangeError("speed must be greater than 0");
    this.#speed = speed;
    this.#real = real;
    this.#startReal = real();
    this.#startSim = startSimMs;
  }
  now(): number {
    return Math.round(this.#startSim + (this.#real() - this.#startReal) * this.#speed);
  }
}
