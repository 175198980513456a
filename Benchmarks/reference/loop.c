/*
 * A tight hand-written C event loop for satsim's two reference models (issue 10): the yardstick
 * satsim's speed is measured against.
 *
 *   plain: Poisson arrivals at 90/s, 100 workers, exponential service of mean 1 s, one unbounded
 *          FIFO queue (M/M/c with c = 100, utilisation 0.9).
 *   retry: the same, plus a 5 s client timeout per attempt and up to 3 retries after a
 *          full-jitter backoff U(0, 1 s x 2^k), k = 0, 1, 2 (AWS Architecture Blog, "Exponential
 *          Backoff And Jitter"). The server does not know that a client gave up: it serves the
 *          abandoned attempt anyway, and that completion counts as wasted.
 *
 * Events counted (as satsim counts them): a new request, a retry sent, a completion and a timeout
 * that fired. Stale timers (the timeout of an attempt already answered) are popped but not
 * counted.
 *
 * The structure is what a careful C programmer would write without special tricks: one binary
 * min-heap of 32-byte entries ordered by (time in integer nanoseconds, insertion sequence) for
 * every event, lazy cancellation by generation numbers, slabs with free lists for requests and
 * attempts, a growable ring for the queue, no allocation per event. Random numbers are
 * satsim's four interleaved xoshiro256** lanes with the same per-component seeds satsim derives
 * (FNV-1a of the component name mixed by splitmix64), and exponentials are drawn as satsim draws
 * them, so that both programs simulate the same sample path and their event counts agree: arrival
 * gaps and service times come in blocks of 64 per stream (rng_std_exp: 64 words in a row, each made
 * v in (0, 1] from its top 52 bits, then -log(v) by fdlibm's log without branches, the scalar form
 * of SatsimCore/Random/VectorLog.swift). -ffp-contract=off keeps the compiler from fusing a
 * multiply and an add, which would change the last bit of some logs.
 *
 *   cc -O2 -ffp-contract=off -o loop loop.c -lm
 *   ./loop --model plain|retry [--horizon SECONDS] [--seed N]
 *
 * Prints one JSON line: the counts per event type, total events, events/s of the loop alone and
 * the time-average utilisation.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- random numbers: xoshiro256** seeded like satsim's RandomStream ---- */

/* Four xoshiro256** lanes interleaved (satsim's stream, Sources/CGSL/shim.h): word i of lane l
   in s[i][l]; the stream is each lane's first word in lane order, then each lane's second, ... */
typedef struct { uint64_t s[4][4]; uint64_t out[4]; int next; } rng_t;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* One step of the four lanes; their words to w[0..3]. */
static inline void rng_step4(rng_t *r, uint64_t *w) {
    for (int l = 0; l < 4; l++) {
        uint64_t s0 = r->s[0][l], s1 = r->s[1][l], s2 = r->s[2][l], s3 = r->s[3][l];
        w[l] = rotl(s1 * 5, 7) * 9;
        const uint64_t t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = rotl(s3, 45);
        r->s[0][l] = s0; r->s[1][l] = s1; r->s[2][l] = s2; r->s[3][l] = s3;
    }
}

static inline uint64_t rng_next(rng_t *r) {
    if (r->next == 4) { rng_step4(r, r->out); r->next = 0; }
    return r->out[r->next++];
}

static inline double rng_uniform(rng_t *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* fdlibm's __ieee754_log for positive normal x, both forms computed and one chosen, in the order
   of operations of VectorLog.scalar in satsim. */
static inline double fd_log(double x) {
    int64_t bits; memcpy(&bits, &x, 8);
    int64_t hx = bits >> 32;
    int64_t k = (hx >> 20) - 1023;
    int64_t hm = hx & 0x000fffff;
    int64_t i = (hm + 0x95f64) & 0x100000;
    int64_t high = hm | (i ^ 0x3ff00000);
    int64_t nb = (int64_t)((uint64_t)high << 32) | (bits & 0xffffffffLL);
    double normal; memcpy(&normal, &nb, 8);
    k += i >> 20;
    double f = normal - 1.0;
    double s = f / (2.0 + f);
    double dk = (double)k;
    double z = s * s, w = z * z;
    double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
    double t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
    double r = t2 + t1;
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    if (((hm - 0x6147a) | (0x6b851 - hm)) > 0) {
        double hfsq = 0.5 * f * f;
        return dk * ln2_hi - ((hfsq - (s * (hfsq + r) + dk * ln2_lo)) - f);
    }
    return dk * ln2_hi - ((s * (f - r) - dk * ln2_lo) - f);
}

/* A stream's block of standard exponentials (RandomStream.standardExponential in satsim). */
#define EXP_BLOCK 64
typedef struct { double e[EXP_BLOCK]; int next; } exp_block_t;

static double rng_std_exp(rng_t *r, exp_block_t *b) {
    if (b->next == EXP_BLOCK) {
        /* Each stream here serves exponentials only, so no word of a step is ever pending: the
           block is sixteen steps of the four lanes, in the stream's order. */
        for (int j = 0; j < EXP_BLOCK; j += 4) {
            uint64_t w[4];
            rng_step4(r, w);
            for (int l = 0; l < 4; l++) {
                uint64_t d_bits = 0x3ff0000000000000ULL | (w[l] >> 12);
                double d; memcpy(&d, &d_bits, 8);
                b->e[j + l] = -fd_log(2.0 - d);
            }
        }
        b->next = 0;
    }
    return b->e[b->next++];
}

static uint64_t mix(uint64_t x) {
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* StreamSeed.derive in SatsimCore/Random/RandomStream.swift, then GSL's set (splitmix64). */
static rng_t rng_for(uint64_t seed, const char *component) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)component; *p; p++) {
        hash ^= *p;
        hash *= 0x00000100000001b3ULL;
    }
    uint64_t z = mix(seed + 0x9E3779B97F4A7C15ULL * (hash | 1)) ^ mix(hash);
    rng_t r;
    for (int l = 0; l < 4; l++) {
        for (int i = 0; i < 4; i++) {
            z += 0x9E3779B97F4A7C15ULL;
            r.s[i][l] = mix(z);
        }
    }
    r.next = 4;
    return r;
}

/* Seconds to integer nanoseconds, rounded to nearest (as SimTime(seconds:)). */
static inline int64_t ns_of(double seconds) { return (int64_t)llround(seconds * 1e9); }

/* ---- the calendar: a binary min-heap ---- */

enum { ARRIVAL, DEPARTURE, TIMEOUT, RETRY };

typedef struct {
    int64_t time;
    uint64_t seq;
    uint32_t kind, target, slot, gen;
} event_t;

static event_t *heap;
static size_t heap_n, heap_cap;
static uint64_t next_seq;

static inline int before(const event_t *a, const event_t *b) {
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void schedule(int64_t time, uint32_t kind, uint32_t slot, uint32_t gen) {
    if (heap_n == heap_cap) {
        heap_cap *= 2;
        heap = realloc(heap, heap_cap * sizeof *heap);
        if (!heap) { perror("realloc"); exit(1); }
    }
    event_t e = {time, next_seq++, kind, 0, slot, gen};
    size_t i = heap_n++;
    while (i > 0) {
        size_t p = (i - 1) >> 1;
        if (!before(&e, &heap[p])) break;
        heap[i] = heap[p];
        i = p;
    }
    heap[i] = e;
}

static event_t pop(void) {
    event_t top = heap[0];
    event_t last = heap[--heap_n];
    size_t n = heap_n, i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n) break;
        size_t b = l;
        if (l + 1 < n && before(&heap[l + 1], &heap[l])) b = l + 1;
        if (!before(&heap[b], &last)) break;
        heap[i] = heap[b];
        i = b;
    }
    if (n > 0) heap[i] = last;
    return top;
}

/* ---- slabs: requests and attempts, with free lists and generations ---- */

typedef struct {
    uint32_t *gen;
    uint32_t *free_list;
    uint32_t n_free, count, cap;
} slots_t;

static void slots_init(slots_t *s) {
    s->cap = 1024;
    s->gen = calloc(s->cap, sizeof *s->gen);
    s->free_list = malloc(s->cap * sizeof *s->free_list);
    s->n_free = s->count = 0;
}

/* Returns a slot; *grew is set when the slab needs its parallel arrays grown to s->cap. */
static uint32_t slots_acquire(slots_t *s, int *grew) {
    *grew = 0;
    if (s->n_free) return s->free_list[--s->n_free];
    if (s->count == s->cap) {
        s->cap *= 2;
        s->gen = realloc(s->gen, s->cap * sizeof *s->gen);
        s->free_list = realloc(s->free_list, s->cap * sizeof *s->free_list);
        memset(s->gen + s->count, 0, (s->cap - s->count) * sizeof *s->gen);
        *grew = 1;
    }
    return s->count++;
}

static inline void slots_release(slots_t *s, uint32_t slot) {
    s->gen[slot]++;
    s->free_list[s->n_free++] = slot;
}

/* ---- the model ---- */

#define WORKERS 100
#define ARRIVAL_RATE 90.0   /* 1/s */
#define SERVICE_MEAN 1.0    /* s */
#define TIMEOUT_NS 5000000000LL
#define MAX_ATTEMPTS 4      /* one attempt and up to 3 retries */
#define BACKOFF_BASE 1.0    /* s; the k-th retry waits U(0, base x 2^k) */

static int retry_model;
static int64_t now;
static rng_t arrival_rng, service_rng, backoff_rng;
static exp_block_t service_block = { .next = EXP_BLOCK }, arrival_block = { .next = EXP_BLOCK };

static slots_t requests, attempts;
static int64_t *req_start;
static int32_t *req_sent;
static uint32_t *att_request;
static uint8_t *att_abandoned;

static uint32_t *queue;          /* ring of attempt slots */
static size_t q_head, q_len, q_cap = 1024;
static int busy;

static int64_t busy_area_ns, last_change;   /* integral of busy workers over time */
static uint64_t n_requests, n_retries, n_completions, n_timeouts, n_wasted, n_successes, n_failures;

static inline void change_busy(int delta) {
    busy_area_ns += (int64_t)busy * (now - last_change);
    last_change = now;
    busy += delta;
}

static void start_service(uint32_t a) {
    change_busy(+1);
    double work = SERVICE_MEAN * rng_std_exp(&service_rng, &service_block);
    schedule(now + ns_of(work), DEPARTURE, a, attempts.gen[a]);
}

static void send_attempt(uint32_t r) {
    int grew;
    uint32_t a = slots_acquire(&attempts, &grew);
    if (grew) {
        att_request = realloc(att_request, attempts.cap * sizeof *att_request);
        att_abandoned = realloc(att_abandoned, attempts.cap * sizeof *att_abandoned);
    }
    att_request[a] = r;
    att_abandoned[a] = 0;
    req_sent[r]++;
    if (retry_model) schedule(now + TIMEOUT_NS, TIMEOUT, a, attempts.gen[a]);
    if (busy < WORKERS) {
        start_service(a);
    } else {
        if (q_len == q_cap) {
            uint32_t *bigger = malloc(2 * q_cap * sizeof *bigger);
            for (size_t k = 0; k < q_len; k++) bigger[k] = queue[(q_head + k) % q_cap];
            free(queue);
            queue = bigger;
            q_head = 0;
            q_cap *= 2;
        }
        size_t tail = q_head + q_len;
        if (tail >= q_cap) tail -= q_cap;
        queue[tail] = a;
        q_len++;
    }
}

static void new_request(void) {
    n_requests++;
    int grew;
    uint32_t r = slots_acquire(&requests, &grew);
    if (grew) {
        req_start = realloc(req_start, requests.cap * sizeof *req_start);
        req_sent = realloc(req_sent, requests.cap * sizeof *req_sent);
    }
    req_start[r] = now;
    req_sent[r] = 0;
    send_attempt(r);
}

static void departure(uint32_t a) {
    n_completions++;
    if (att_abandoned[a]) {
        n_wasted++;           /* the client gave up: wasted work */
    } else {
        n_successes++;
        slots_release(&requests, att_request[a]);
    }
    slots_release(&attempts, a);   /* also cancels its pending timeout */
    change_busy(-1);
    if (q_len) {
        uint32_t next = queue[q_head];
        if (++q_head == q_cap) q_head = 0;
        q_len--;
        start_service(next);
    }
}

static void timeout_fires(uint32_t a) {
    n_timeouts++;
    att_abandoned[a] = 1;    /* the attempt stays at the server until served */
    uint32_t r = att_request[a];
    if (req_sent[r] < MAX_ATTEMPTS) {
        double cap = BACKOFF_BASE * (double)(1 << (req_sent[r] - 1));
        double wait = cap * rng_uniform(&backoff_rng);
        schedule(now + ns_of(wait), RETRY, r, requests.gen[r]);
    } else {
        n_failures++;
        slots_release(&requests, r);
    }
}

int main(int argc, char **argv) {
    double horizon = 20000;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--model") && i + 1 < argc) {
            const char *m = argv[++i];
            if (!strcmp(m, "retry")) retry_model = 1;
            else if (strcmp(m, "plain")) { fprintf(stderr, "unknown model %s\n", m); return 2; }
        } else if (!strcmp(argv[i], "--horizon") && i + 1 < argc) {
            horizon = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            seed = strtoull(argv[++i], 0, 10);
        } else {
            fprintf(stderr, "usage: loop --model plain|retry [--horizon SECONDS] [--seed N]\n");
            return 2;
        }
    }
    int64_t end = ns_of(horizon);

    arrival_rng = rng_for(seed, "clients.load.arrival");
    service_rng = rng_for(seed, "services.station.service_time");
    backoff_rng = rng_for(seed, "clients.load.backoff");
    heap_cap = 4096;
    heap = malloc(heap_cap * sizeof *heap);
    slots_init(&requests);
    slots_init(&attempts);
    req_start = malloc(requests.cap * sizeof *req_start);
    req_sent = malloc(requests.cap * sizeof *req_sent);
    att_request = malloc(attempts.cap * sizeof *att_request);
    att_abandoned = malloc(attempts.cap * sizeof *att_abandoned);
    queue = malloc(q_cap * sizeof *queue);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    schedule(ns_of(rng_std_exp(&arrival_rng, &arrival_block) / ARRIVAL_RATE), ARRIVAL, 0, 0);
    uint64_t popped = 0;
    while (heap_n && heap[0].time <= end) {
        event_t e = pop();
        popped++;
        now = e.time;
        switch (e.kind) {
        case ARRIVAL:
            new_request();
            schedule(now + ns_of(rng_std_exp(&arrival_rng, &arrival_block) / ARRIVAL_RATE), ARRIVAL, 0, 0);
            break;
        case DEPARTURE:
            if (attempts.gen[e.slot] == e.gen) departure(e.slot);
            break;
        case TIMEOUT:
            if (attempts.gen[e.slot] == e.gen && !att_abandoned[e.slot]) timeout_fires(e.slot);
            break;
        case RETRY:
            if (requests.gen[e.slot] == e.gen) {
                n_retries++;
                send_attempt(e.slot);
            }
            break;
        }
    }
    now = end;
    change_busy(0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    uint64_t events = n_requests + n_retries + n_completions + n_timeouts;
    printf("{\"engine\":\"C\",\"model\":\"%s\",\"horizon_s\":%.0f,\"events\":%llu,\"popped\":%llu,"
           "\"requests\":%llu,\"retries\":%llu,\"completions\":%llu,\"timeouts\":%llu,\"wasted\":%llu,"
           "\"successes\":%llu,\"failures\":%llu,\"loop_events_per_s\":%.0f,\"utilization\":%.6f}\n",
           retry_model ? "retry" : "plain", horizon, (unsigned long long)events, (unsigned long long)popped,
           (unsigned long long)n_requests, (unsigned long long)n_retries, (unsigned long long)n_completions,
           (unsigned long long)n_timeouts, (unsigned long long)n_wasted, (unsigned long long)n_successes,
           (unsigned long long)n_failures, (double)events / wall,
           (double)busy_area_ns / ((double)WORKERS * (double)end));
    return 0;
}
