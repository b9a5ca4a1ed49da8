/*
 * counts.c - instance counts and what the waste costs at scale.
 *
 * Users size slices before they build them ("100M orders"), so counts are
 * written the way people say them: 100M, 1.5G, 100_000_000.  K/M/G/T are
 * powers of 1000 (counts are things, not bytes); Ki/Mi/Gi/Ti are powers of
 * 1024 for those who mean them.  Byte totals print in binary units (KiB, MiB,
 * GiB), as free(1) and the Go runtime do.  All products are overflow-checked:
 * a count that makes the total exceed 2^64-1 bytes is an error, never a
 * wrapped number.
 */
#include "model/model.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *suffix;
    uint64_t mult;
} suffixes[] = {
    {"Ki", 1ull << 10},      {"Mi", 1ull << 20},
    {"Gi", 1ull << 30},      {"Ti", 1ull << 40},
    {"K", 1000ull},          {"k", 1000ull},
    {"M", 1000000ull},       {"G", 1000000000ull},
    {"T", 1000000000000ull}, {"", 1},
};

static int bad_count(const char *s, const char *why)
{
    error_set(ALIGN_EINVAL, NULL, 0, 0, "invalid count '%s': %s", s, why);
    error_hint("write counts like 100000000, 100_000_000, 100M, 1.5G or 64K");
    return ALIGN_EINVAL;
}

int align_count_parse(uint64_t *out, const char *s)
{
    unsigned __int128 mant = 0, value;
    uint64_t div = 1, mult = 0;
    const char *p = s;
    bool digits = false, prev_digit = false, frac = false;

    *out = 0;
    if (s == NULL || *s == '\0')
        return bad_count(s ? s : "", "empty");
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            mant = mant * 10 + (unsigned)(*p - '0');
            if (mant > ((unsigned __int128)1 << 100))
                goto overflow;
            if (frac) {
                if (div > UINT64_MAX / 10)
                    return bad_count(s, "too many decimals");
                div *= 10;
            }
            digits = prev_digit = true;
        } else if (*p == '_' && prev_digit && p[1] >= '0' && p[1] <= '9') {
            prev_digit = false;
        } else if (*p == '.' && !frac && prev_digit && p[1] >= '0' && p[1] <= '9') {
            frac = true;
            prev_digit = false;
        } else {
            break;
        }
    }
    if (!digits)
        return bad_count(s, "not a number");
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (strcmp(p, suffixes[i].suffix) == 0) {
            mult = suffixes[i].mult;
            break;
        }
    if (mult == 0)
        return bad_count(s, "unknown suffix (use K, M, G, T or Ki, Mi, Gi, Ti)");
    value = mant * mult;
    if (value % div != 0)
        return bad_count(s, "not a whole number of instances");
    value /= div;
    if (value > UINT64_MAX)
        goto overflow;
    *out = (uint64_t)value;
    return 0;
overflow:
    error_set(ALIGN_EOVERFLOW, NULL, 0, 0, "count '%s' is larger than 2^64-1", s);
    return ALIGN_EOVERFLOW;
}

int align_cost_compute(align_cost *out, const align_layout *l, uint64_t count)
{
    memset(out, 0, sizeof *out);
    out->count = count;
    if (!mul_u64(l->size, count, &out->bytes_now) ||
        !mul_u64(l->optimal_size, count, &out->bytes_optimal)) {
        error_set(ALIGN_EOVERFLOW, NULL, 0, 0,
                  "%llu instances of %s (%llu bytes each) exceed 2^64-1 bytes",
                  (unsigned long long)count, l->name, (unsigned long long)l->size);
        error_hint("use a smaller --count");
        return ALIGN_EOVERFLOW;
    }
    out->bytes_saved = out->bytes_now - out->bytes_optimal;
    return 0;
}

void align_format_bytes(char *buf, size_t n, uint64_t bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = (double)bytes;
    int u = -1;
    if (bytes < 1024) {
        snprintf(buf, n, "%llu byte%s", (unsigned long long)bytes, bytes == 1 ? "" : "s");
        return;
    }
    while (v >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    /* Three significant digits; %.Nf rounding can reach 1000+, that's fine. */
    if (v < 9.995)
        snprintf(buf, n, "%.2f %s", v, units[u]);
    else if (v < 99.95)
        snprintf(buf, n, "%.1f %s", v, units[u]);
    else
        snprintf(buf, n, "%.0f %s", v, units[u]);
}

void align_format_count(char *buf, size_t n, uint64_t count)
{
    static const struct {
        uint64_t mult;
        char suffix;
    } units[] = {{1000000000000ull, 'T'}, {1000000000ull, 'G'}, {1000000ull, 'M'}, {1000ull, 'K'}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        uint64_t m = units[i].mult;
        if (count < m)
            continue;
        if (count % m == 0) {
            snprintf(buf, n, "%llu%c", (unsigned long long)(count / m), units[i].suffix);
            return;
        }
        /* One to three decimals when they are exact: 1.5G, 2.25M. */
        for (uint64_t d = 10; d <= 1000; d *= 10)
            if (count % (m / d) == 0) {
                int width = d == 10 ? 1 : d == 100 ? 2 : 3;
                snprintf(buf, n, "%llu.%0*llu%c", (unsigned long long)(count / m), width,
                         (unsigned long long)(count % m / (m / d)), units[i].suffix);
                return;
            }
        break;
    }
    snprintf(buf, n, "%llu", (unsigned long long)count);
}
