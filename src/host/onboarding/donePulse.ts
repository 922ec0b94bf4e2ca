/**
 * The check marks of the Getting Started walkthrough, set through VS Code's completion events.
 *
 * VS Code's walkthrough service (gettingStartedService.ts, `registerDoneListeners` and
 * `progressByEvent`) registers a step's `onContext:<key>` completion event lazily, and:
 * - if the key already holds when the step registers, the event is recorded as seen for the whole
 *   session and the step is NOT checked (that event can never check it afterwards);
 * - otherwise the first change that makes the key hold checks the step (kept in its storage).
 *
 * So a done step's key is pulsed (true, held a moment, then false), and each step has TWO keys
 * that are pulsed in turn, never both true at once: a registration during a pulse poisons at most
 * the key being pulsed, and the next pulse, on the other key, checks the step. With one key, a
 * registration during a pulse left the step unchecked for the session (seen in CI: the first five
 * steps registered while their keys were held true, and only the last two got their check marks).
 */

/** The two completion keys of a step's done variant; package.json lists both as its completion events. */
export const doneKeys = (step: string): readonly [string, string] => [`mlWorkbench.onboarding.done.${step}`, `mlWorkbench.onboarding.doneAlt.${step}`];

export type SetContext = (key: string, value: boolean) => Promise<unknown>;

export class DonePulser {
  private chain: Promise<void> = Promise.resolve();
  private turn = 0;

  constructor(
    private readonly setContext: SetContext,
    /** How long a pulse keeps its keys true: VS Code may merge context changes that arrive together. */
    private readonly holdMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Pulses the keys of these steps; pulses run one after another, each on the other key of its steps. Never rejects. */
  pulse(steps: readonly string[]): Promise<void> {
    if (steps.length === 0) return this.chain;
    const run = async (): Promise<void> => {
      const keys = steps.map((step) => doneKeys(step)[this.turn % 2]!);
      this.turn += 1;
      try {
        for (const key of keys) await this.setContext(key, true);
        await this.sleep(this.holdMs);
      } finally {
        for (const key of keys) await this.setContext(key, false);
      }
    };
    this.chain = this.chain.then(run).catch(this.onError);
    return this.chain;
  }
}
