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

/* Four xoshiro256** generators (Blackman and Vigna, 2018) interleaved, as one GSL generator type,
   so that GSL's samplers and satsim's own fast paths draw from one stream, and so that a block of
   words comes from one step of four lanes, which SIMD registers compute together (issue 10: "a
   vector generator"). The stream is lane 0's first word, lane 1's first, lane 2's, lane 3's, then
   each lane's second word, and so on. Each lane is xoshiro256** unchanged.

   The state is the four lanes' words side by side, s[i][lane], so that word i of all four lanes
   is one 256-bit load; `words` holds the stream's next words, made sixteen steps at a time, and
   `next` the index of the next one to hand out (64 when none is left). `set` expands a 64-bit seed
   with splitmix64, as the authors recommend for seeding (https://prng.di.unimi.it/): lane 0 takes
   its first four outputs, so lane 0 is the single generator satsim used before, and lanes 1, 2 and
   3 the next twelve. Four starting points drawn this way from a period of 2^256 - 1 overlap with a
   probability of the order of n 2^-256 for n draws, the same argument that keeps the per-component
   streams apart. SatsimCore draws the words (RandomStream, which refills `words` with SIMD code
   and gives GSL its `get`), and the tests hold it to an independent implementation. */
#define CGSL_XOSHIRO_WORDS 64
typedef struct {
    uint64_t s[4][4];
    uint64_t words[CGSL_XOSHIRO_WORDS];
    uint64_t next;
} cgsl_xoshiro_state;

static inline uint64_t cgsl_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline void cgsl_xoshiro_set(void *vstate, unsigned long int seed) {
    cgsl_xoshiro_state *st = (cgsl_xoshiro_state *)vstate;
    uint64_t z = (uint64_t)seed;
    for (int l = 0; l < 4; l++) {
        for (int i = 0; i < 4; i++) {
            z += 0x9E3779B97F4A7C15ULL;
            uint64_t x = z;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
            st->s[i][l] = x ^ (x >> 31);
        }
    }
    for (int j = 0; j < CGSL_XOSHIRO_WORDS; j++) st->words[j] = 0;
    st->next = CGSL_XOSHIRO_WORDS;
}

/* The generator type, with the draws GSL's samplers make: `get` and `get_double` are
   RandomStream's own (SatsimCore/Random/RandomStream.swift), so that one implementation, stepping
   the lanes in SIMD registers, serves satsim's fast paths and GSL alike. `get_double` must give
   the top 53 bits of the next word times 2^-53, as gsl_rng_uniform promises. */
static inline gsl_rng_type cgsl_xoshiro_type(unsigned long int (*get)(void *), double (*get_double)(void *)) {
    gsl_rng_type type = {
        "xoshiro256starstar-x4", (unsigned long int)UINT64_MAX, 0, sizeof(cgsl_xoshiro_state),
        &cgsl_xoshiro_set, get, get_double
    };
    return type;
}

/* The generator's state as 81 words, for the Swift fast path: s[i][lane] at 4 i + lane, the
   buffered words at 16...79, next at 80. */
static inline uint64_t *cgsl_xoshiro_words(gsl_rng *r) { return &((cgsl_xoshiro_state *)r->state)->s[0][0]; }

#endif
