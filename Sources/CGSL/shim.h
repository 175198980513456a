#ifndef CGSL_SHIM_H
#define CGSL_SHIM_H
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_errno.h>

/* Swift 6 rejects direct references to GSL's mutable C globals (gsl_rng_mt19937 and friends),
   so they are exposed through inline accessors. */
static inline const gsl_rng_type *cgsl_rng_mt19937(void) { return gsl_rng_mt19937; }

/* xoshiro256** (Blackman and Vigna, 2018) as a GSL generator type, so that GSL's samplers and
   satsim's own fast paths draw from one stream. The state is four 64-bit words; `set` expands a
   64-bit seed with splitmix64, as the authors recommend. SatsimCore mirrors `next` in Swift for
   the hot loop, and a test checks that both produce the same sequence. */
typedef struct { uint64_t s[4]; } cgsl_xoshiro_state;

static inline uint64_t cgsl_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t cgsl_xoshiro_next(void *vstate) {
    cgsl_xoshiro_state *st = (cgsl_xoshiro_state *)vstate;
    uint64_t *s = st->s;
    const uint64_t result = cgsl_rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = cgsl_rotl(s[3], 45);
    return result;
}

static inline void cgsl_xoshiro_set(void *vstate, unsigned long int seed) {
    cgsl_xoshiro_state *st = (cgsl_xoshiro_state *)vstate;
    uint64_t z = (uint64_t)seed;
    for (int i = 0; i < 4; i++) {
        z += 0x9E3779B97F4A7C15ULL;
        uint64_t x = z;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
        st->s[i] = x ^ (x >> 31);
    }
}

static inline unsigned long int cgsl_xoshiro_get(void *vstate) {
    return (unsigned long int)cgsl_xoshiro_next(vstate);
}

/* 53 random bits -> [0, 1). */
static inline double cgsl_xoshiro_get_double(void *vstate) {
    return (double)(cgsl_xoshiro_next(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type cgsl_xoshiro_type = {
    "xoshiro256starstar",
    (unsigned long int)UINT64_MAX,
    0,
    sizeof(cgsl_xoshiro_state),
    &cgsl_xoshiro_set,
    &cgsl_xoshiro_get,
    &cgsl_xoshiro_get_double
};

static inline const gsl_rng_type *cgsl_rng_xoshiro256(void) { return &cgsl_xoshiro_type; }

/* The generator's state words, for the Swift fast path. */
static inline uint64_t *cgsl_xoshiro_words(gsl_rng *r) { return ((cgsl_xoshiro_state *)r->state)->s; }

#endif
