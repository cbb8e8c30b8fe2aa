// The trivial server lives with the load generator now (src/load/trivial-server-main.ts); the
// benchmarks spawn this file, which runs it with the same JSON argument.
import '../src/load/trivial-server-main.js';
