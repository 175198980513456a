#include "satsim_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

/* No fused multiply-add: every product and sum is rounded on its own, as in Swift. */
#pragma clang fp contract(off)

int satsim_cpu_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
}

__attribute__((target("avx2")))
void satsim_negative_log_avx2(const double *v, double *out, long n) {
    const __m256i mantissa_mask = _mm256_set1_epi64x(0x000fffff);
    const __m256i round_up = _mm256_set1_epi64x(0x95f64);
    const __m256i bit20 = _mm256_set1_epi64x(0x100000);
    const __m256i one_high = _mm256_set1_epi64x(0x3ff00000);
    const __m256i low_word = _mm256_set1_epi64x(0xffffffffLL);
    const __m256i two52_bits = _mm256_set1_epi64x(0x4330000000000000LL);
    const __m256i one_bits = _mm256_set1_epi64x(0x3ff0000000000000LL);
    const __m256d two52_bias = _mm256_set1_pd(0x1p52 + 1023);
    const __m256d one = _mm256_set1_pd(1.0), two = _mm256_set1_pd(2.0), half = _mm256_set1_pd(0.5);
    const __m256d ln2_hi = _mm256_set1_pd(6.93147180369123816490e-01);
    const __m256d ln2_lo = _mm256_set1_pd(1.90821492927058770002e-10);
    const __m256d lg1 = _mm256_set1_pd(6.666666666666735130e-01), lg2 = _mm256_set1_pd(3.999999999940941908e-01);
    const __m256d lg3 = _mm256_set1_pd(2.857142874366239149e-01), lg4 = _mm256_set1_pd(2.222219843214978396e-01);
    const __m256d lg5 = _mm256_set1_pd(1.818357216161805012e-01), lg6 = _mm256_set1_pd(1.531383769920937332e-01);
    const __m256d lg7 = _mm256_set1_pd(1.479819860511658591e-01);
    const __m256d far_from = _mm256_set1_pd(1.0 + 0x6147a * 0x1p-20), far_to = _mm256_set1_pd(1.0 + 0x6b851 * 0x1p-20);
    const __m256d zero = _mm256_setzero_pd();
    for (long j = 0; j < n; j += 4) {
        __m256i bits = _mm256_castpd_si256(_mm256_loadu_pd(v + j));
        __m256i hx = _mm256_srli_epi64(bits, 32);
        __m256i hm = _mm256_and_si256(hx, mantissa_mask);
        __m256i i = _mm256_and_si256(_mm256_add_epi64(hm, round_up), bit20);
        __m256i high = _mm256_or_si256(hm, _mm256_xor_si256(i, one_high));
        __m256d normal = _mm256_castsi256_pd(_mm256_or_si256(_mm256_slli_epi64(high, 32), _mm256_and_si256(bits, low_word)));
        __m256i biased = _mm256_add_epi64(_mm256_srli_epi64(hx, 20), _mm256_srli_epi64(i, 20));
        __m256d dk = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(biased, two52_bits)), two52_bias);
        __m256d f = _mm256_sub_pd(normal, one);
        __m256d s = _mm256_div_pd(f, _mm256_add_pd(two, f));
        __m256d z = _mm256_mul_pd(s, s);
        __m256d w = _mm256_mul_pd(z, z);
        __m256d t1 = _mm256_mul_pd(w, _mm256_add_pd(lg2, _mm256_mul_pd(w, _mm256_add_pd(lg4, _mm256_mul_pd(w, lg6)))));
        __m256d t2 = _mm256_mul_pd(z, _mm256_add_pd(lg1, _mm256_mul_pd(w, _mm256_add_pd(lg3,
                         _mm256_mul_pd(w, _mm256_add_pd(lg5, _mm256_mul_pd(w, lg7)))))));
        __m256d r = _mm256_add_pd(t2, t1);
        __m256d hfsq = _mm256_mul_pd(_mm256_mul_pd(half, f), f);
        __m256d dk_hi = _mm256_mul_pd(dk, ln2_hi), dk_lo = _mm256_mul_pd(dk, ln2_lo);
        __m256d far = _mm256_sub_pd(dk_hi, _mm256_sub_pd(_mm256_sub_pd(hfsq, _mm256_add_pd(_mm256_mul_pd(s, _mm256_add_pd(hfsq, r)), dk_lo)), f));
        __m256d near = _mm256_sub_pd(dk_hi, _mm256_sub_pd(_mm256_sub_pd(_mm256_mul_pd(s, _mm256_sub_pd(f, r)), dk_lo), f));
        __m256d mantissa_high = _mm256_castsi256_pd(_mm256_or_si256(_mm256_slli_epi64(hm, 32), one_bits));
        __m256d use_far = _mm256_and_pd(_mm256_cmp_pd(mantissa_high, far_from, _CMP_GE_OQ),
                                        _mm256_cmp_pd(mantissa_high, far_to, _CMP_LE_OQ));
        __m256d result = _mm256_blendv_pd(near, far, use_far);
        /* 0 - log, as Swift's prefix minus on a SIMD vector of doubles computes it (so -log(1)
           is +0.0, where a scalar minus would give -0.0). */
        _mm256_storeu_pd(out + j, _mm256_sub_pd(zero, result));
    }
}

/* One step of the four xoshiro256** lanes in s0..s3 (word i of every lane in si): the output
   words to `word`. rotl(s1 * 5, 7) * 9 is computed with x * 5 = (x << 2) + x and x * 9 =
   (x << 3) + x (AVX2 has no 64-bit multiply): the same words modulo 2^64. */
#define SATSIM_XOSHIRO4_STEP(word, s0, s1, s2, s3) do { \
        __m256i x5_ = _mm256_add_epi64(_mm256_slli_epi64(s1, 2), s1); \
        __m256i r7_ = _mm256_or_si256(_mm256_slli_epi64(x5_, 7), _mm256_srli_epi64(x5_, 57)); \
        word = _mm256_add_epi64(_mm256_slli_epi64(r7_, 3), r7_); \
        __m256i t_ = _mm256_slli_epi64(s1, 17); \
        s2 = _mm256_xor_si256(s2, s0); \
        s3 = _mm256_xor_si256(s3, s1); \
        s1 = _mm256_xor_si256(s1, s2); \
        s0 = _mm256_xor_si256(s0, s3); \
        s2 = _mm256_xor_si256(s2, t_); \
        s3 = _mm256_or_si256(_mm256_slli_epi64(s3, 45), _mm256_srli_epi64(s3, 19)); \
    } while (0)

__attribute__((target("avx2")))
void satsim_xoshiro4_open_units_avx2(unsigned long long *state, double *out, long steps) {
    __m256i s0 = _mm256_loadu_si256((const __m256i *)(state + 0));
    __m256i s1 = _mm256_loadu_si256((const __m256i *)(state + 4));
    __m256i s2 = _mm256_loadu_si256((const __m256i *)(state + 8));
    __m256i s3 = _mm256_loadu_si256((const __m256i *)(state + 12));
    const __m256i one_bits = _mm256_set1_epi64x(0x3ff0000000000000LL);
    const __m256d two = _mm256_set1_pd(2.0);
    for (long j = 0; j < steps; j++) {
        __m256i word;
        SATSIM_XOSHIRO4_STEP(word, s0, s1, s2, s3);
        __m256d d = _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(word, 12), one_bits));
        _mm256_storeu_pd(out + 4 * j, _mm256_sub_pd(two, d));
    }
    _mm256_storeu_si256((__m256i *)(state + 0), s0);
    _mm256_storeu_si256((__m256i *)(state + 4), s1);
    _mm256_storeu_si256((__m256i *)(state + 8), s2);
    _mm256_storeu_si256((__m256i *)(state + 12), s3);
}

__attribute__((target("avx2")))
void satsim_xoshiro4_words_avx2(unsigned long long *state, unsigned long long *out, long steps) {
    __m256i s0 = _mm256_loadu_si256((const __m256i *)(state + 0));
    __m256i s1 = _mm256_loadu_si256((const __m256i *)(state + 4));
    __m256i s2 = _mm256_loadu_si256((const __m256i *)(state + 8));
    __m256i s3 = _mm256_loadu_si256((const __m256i *)(state + 12));
    for (long j = 0; j < steps; j++) {
        __m256i word;
        SATSIM_XOSHIRO4_STEP(word, s0, s1, s2, s3);
        _mm256_storeu_si256((__m256i *)(out + 4 * j), word);
    }
    _mm256_storeu_si256((__m256i *)(state + 0), s0);
    _mm256_storeu_si256((__m256i *)(state + 4), s1);
    _mm256_storeu_si256((__m256i *)(state + 8), s2);
    _mm256_storeu_si256((__m256i *)(state + 12), s3);
}

#else

int satsim_cpu_has_avx2(void) { return 0; }

void satsim_negative_log_avx2(const double *v, double *out, long n) {
    (void)v; (void)out; (void)n;
}

void satsim_xoshiro4_open_units_avx2(unsigned long long *state, double *out, long steps) {
    (void)state; (void)out; (void)steps;
}

void satsim_xoshiro4_words_avx2(unsigned long long *state, unsigned long long *out, long steps) {
    (void)state; (void)out; (void)steps;
}

#endif

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t satsim_received_signal = 0;

static void satsim_record_signal(int signal_number) { satsim_received_signal = signal_number; }

void satsim_watch_interrupts(void) {
    struct sigaction action, previous;
    memset(&action, 0, sizeof action);
    action.sa_handler = satsim_record_signal;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    /* A SIGINT ignored from the start stays ignored: a shell starts a background job that way,
       so that the terminal's Ctrl-C does not reach it. */
    if (sigaction(SIGINT, 0, &previous) == 0 && previous.sa_handler != SIG_IGN) sigaction(SIGINT, &action, 0);
    /* A hang-up (the terminal or ssh connection gone) stops a run as Ctrl-C does; under nohup,
       which ignores it, it stays ignored. */
    if (sigaction(SIGHUP, 0, &previous) == 0 && previous.sa_handler != SIG_IGN) sigaction(SIGHUP, &action, 0);
    sigaction(SIGTERM, &action, 0);
    /* A parent may have blocked them (a mask is inherited across exec): unblocked, they arrive. */
    sigset_t both;
    sigemptyset(&both);
    sigaddset(&both, SIGINT);
    sigaddset(&both, SIGHUP);
    sigaddset(&both, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &both, 0);
}

int satsim_interrupt_signal(void) { return satsim_received_signal; }
