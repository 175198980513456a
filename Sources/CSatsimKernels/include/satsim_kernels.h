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

#endif
