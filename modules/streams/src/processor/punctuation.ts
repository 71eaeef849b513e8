/**
 * STREAM_TIME punctuators fire when the task's stream time (largest event timestamp seen) passes
 * the next deadline; WALL_CLOCK_TIME ones fire from the system clock (or the test driver's mock
 * clock, advanced with `advanceWallClockTime`).
 */
export type PunctuationType = 'STREAM_TIME' | 'WALL_CLOCK_TIME';

export type Punctuator = (timestamp: number) => void;

export interface Cancellable {
  cancel(): void;
}
