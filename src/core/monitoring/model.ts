/** Monitoring's plain data, shared with the panels (types only: no Node, no I/O). */

/** A column of one side that is not compared, and why. */
export interface LeftOutColumn {
  readonly column: string;
  readonly why: string;
}
