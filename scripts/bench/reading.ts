// The hand-written reading of where time goes (docs/benchmarks.md "Where the time goes"). Written
// from the figures and profiles of the runs named in each paragraph; the table above it is the
// current run.
export const READING: string[] = ['(to be written)'];
