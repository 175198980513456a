#ifndef SATSIM_KERNELS_H
#define SATSIM_KERNELS_H

/*
 * Hand-vectorised kernels the Swift code calls where the baseline x86-64 target (SSE2, two
 * doubles per register) leaves a data-parallel loop half as wide as the machine it runs on.
 * Each kernel is chosen at run time: a machine without the instructions gets the portable Swift
 * loop, which computes the same IEEE operations in the same order, so the results are identical
 * bit for bit whichever runs (the tests check it).
 */

/* 1 when this CPU runs AVX2 (and the kernels below may be called), 0 otherwise. */
int satsim_cpu_has_avx2(void);

/*
 * out[j] = 0 - log(v[j]) for j < n, n a multiple of 4, each v[j] a positive normal double; in place
 * when out == v. fdlibm's __ieee754_log without branches, in the order of operations of
 * VectorLog.log in SatsimCore/Random/VectorLog.swift, four lanes at a time. Call only when
 * satsim_cpu_has_avx2() is 1.
 */
void satsim_negative_log_avx2(const double *v, double *out, long n);

/*
 * `steps` steps of the four interleaved xoshiro256** lanes whose state is `state` (16 words,
 * word i of lane l at 4 i + l: the layout of cgsl_xoshiro_state in Sources/CGSL/shim.h), each
 * output word w made the double 2 - d, where d in [1, 2) has w's top 52 bits as its mantissa: a
 * uniform on (0, 1] with 52 random bits, exact. out[4 j + l] is lane l's word of step j, the
 * stream's order. RandomStream's portable SIMD loop computes the same words. Call only when
 * satsim_cpu_has_avx2() is 1.
 */
void satsim_xoshiro4_open_units_avx2(unsigned long long *state, double *out, long steps);

/* The same steps with the words themselves to out[4 j + l]: RandomStream's buffer of the stream's
   next words, which single draws (uniforms, GSL's samplers) take one at a time. Call only when
   satsim_cpu_has_avx2() is 1. */
void satsim_xoshiro4_words_avx2(unsigned long long *state, unsigned long long *out, long steps);

/*
 * Seconds to integer nanoseconds, rounded half away from zero and clamped to [0, INT64_MAX]
 * (NaN gives 0): SimTime(seconds:) in SatsimCore/Time/SimTime.swift, which documents why each
 * step is exact. Written in C because C's conversion of a double already known to lie in
 * (0, 9.2e18) is one instruction, where Swift's Int64(_:) tests again that the value is finite
 * and in range before converting, a chain of dependent compares on every drawn duration.
 */
static inline long long satsim_nanoseconds(double seconds) {
#pragma clang fp contract(off)
    double ns = seconds * 1e9;
    if (!(ns > 0)) return 0;
    if (ns >= 9.2e18) return 0x7fffffffffffffffLL;
    long long whole = (long long)ns;
    return whole + (ns - (double)whole >= 0.5 ? 1 : 0);
}

/*
 * Ctrl-C as a limit (satsim run): satsim_watch_interrupts() installs a handler for SIGINT and
 * SIGTERM that only records the signal (an async-signal-safe store to a volatile sig_atomic_t,
 * POSIX sigaction(2)); the run loop reads it between segments and stops cleanly, writing what it
 * simulated. The handler is installed with SA_RESETHAND, so a second signal finds the default
 * action and ends the process at once. satsim_interrupt_signal() is the signal received, or 0.
 */
void satsim_watch_interrupts(void);
int satsim_interrupt_signal(void);

#endif
