/*
 * progress.h - when a long read tells its caller how far it got: the
 * align_progress_fn of escape logs and of align_binary_open_progress().
 *
 * A read calls progress_due() at each natural step (a 64 KiB chunk of a
 * log, a compile unit of .debug_info); it says yes once PROGRESS_BYTES more
 * were read or PROGRESS_NS passed since the last yes, so that a callback
 * that draws a line on a terminal is called a few times a second, not once
 * per unit (a C program can have thousands), and never costs more than a
 * clock read per step.
 */
#ifndef LIBALIGN_UTIL_PROGRESS_H
#define LIBALIGN_UTIL_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define PROGRESS_BYTES ((uint64_t)64 << 20)
#define PROGRESS_NS 250000000LL

typedef struct progress_clock {
    long long last_ns;   /* CLOCK_MONOTONIC of the last report */
    uint64_t last_bytes; /* bytes done at the last report */
} progress_clock;

static inline long long progress_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Starts the clock at the beginning of a read. */
static inline void progress_start(progress_clock *c)
{
    c->last_ns = progress_now_ns();
    c->last_bytes = 0;
}

/* Whether a report of done bytes is due; if so, restarts the clock. */
static inline bool progress_due(progress_clock *c, uint64_t done)
{
    long long t = progress_now_ns();
    if (done - c->last_bytes < PROGRESS_BYTES && t - c->last_ns < PROGRESS_NS)
        return false;
    c->last_ns = t;
    c->last_bytes = done;
    return true;
}

#endif
