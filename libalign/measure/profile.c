/*
 * profile.c - Go heap profiles (pprof's gzipped protobuf) read into
 * allocation sites with measured counts: align_profile_*.
 *
 * Why a module of its own, beside escape/: the escape log says *where* a
 * type is heap-allocated, a heap profile says *how many* objects were
 * allocated there and are still live.  It is another source of counts,
 * joined to the escape join's heap sites (profile_join.c), and it replaces
 * the guess the user types with --count.  It reads no DWARF and knows no
 * type: a profile knows stacks, not types.
 *
 * Who calls it: `structalign audit|show|diff --profile heap.pprof`.
 *
 * Workload: /debug/pprof/heap of a service is 10 KiB - 10 MiB gzipped
 * (thousands of stacks, tens of thousands of locations); MemProfileRate=1
 * test programs a few KiB.  The whole file is inflated into memory (capped
 * at ALIGN_PROFILE_MAX_BYTES), decoded by protobuf-c from the schema in
 * profile.proto (compiled by protoc-c at build time), validated, and the
 * samples are summed per allocation site: (file, line, function, object
 * size) of the leaf frame.  The decoded message is kept: sites point into
 * its string table.
 *
 * Sampling.  The Go runtime samples one allocation per MemProfileRate
 * bytes on average (512 KiB by default) and *already* un-samples when it
 * writes the protobuf: runtime/pprof's writeHeapProto passes every
 * record through scaleHeapSample(count, size, rate), which multiplies by
 * 1 / (1 - exp(-size/rate)) (no scaling when rate <= 1), and records the
 * rate as the profile's period.  `go tool pprof` shows those values as
 * they are.  So do we: scaling them again would count each object about
 * rate/size times too often.  The period is kept so that reports can say
 * how the numbers were estimated.
 *
 * Rejected: a hand-written protobuf or gzip decoder (protobuf-c and zlib
 * are the real implementations, and fuzzed by others); accepting the
 * legacy text format ("heap profile: ..."), which only debug=1 writes and
 * which carries no file names; accepting an uncompressed protobuf, which
 * Go never writes (it is refused with a hint, so that a truncated or
 * mislabelled file is not half read).
 */
#include "util/file.h"
#include "util/hash.h"
#include "util/internal.h"
#include "util/table.h"
#include "util/vec.h"

#include "measure/profile.pb-c.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct align_profile {
    SaPprof__Profile *msg; /* owns every string the sites point to */
    align_profile_info info;
    char *path;
    align_profile_site *sites;
    size_t nsites, sites_cap;
    table index; /* sites by (file, line, function, size) */
};

static const char gzip_hint[] =
    "write the profile with runtime/pprof (pprof.WriteHeapProfile, "
    "pprof.Lookup(\"heap\").WriteTo(f, 0)), go test -memprofile, or "
    "curl -o heap.pprof http://HOST/debug/pprof/heap (without ?debug=1)";

/* ----------------------------------------------------------- inflating */

/* Inflates a gzip stream into a malloc'd buffer.  ALIGN_EFORMAT for data
 * that is not gzip, corrupt or cut short; ALIGN_ELIMIT past the cap. */
static int inflate_all(unsigned char **out, size_t *outlen, const char *name,
                       const unsigned char *data, size_t len)
{
    z_stream zs;
    unsigned char *buf = NULL;
    size_t cap = 0, used = 0;
    int zrc;

    *out = NULL;
    *outlen = 0;
    if (len < 2 || data[0] != 0x1f || data[1] != 0x8b) {
        if (len >= 13 && memcmp(data, "heap profile:", 13) == 0) {
            error_set(ALIGN_EFORMAT, name, 0, 0,
                      "a heap profile in the legacy text format (debug=1), not the "
                      "gzipped protobuf");
            error_hint("%s", gzip_hint);
            return ALIGN_EFORMAT;
        }
        error_set(ALIGN_EFORMAT, name, 0, 0,
                  "not a pprof profile: not gzip-compressed (Go writes profiles as "
                  "gzipped protobuf)");
        error_hint("%s", gzip_hint);
        return ALIGN_EFORMAT;
    }
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return error_set(ALIGN_ENOMEM, name, 0, 0, "out of memory (zlib)");
    zs.next_in = (unsigned char *)data;
    zs.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
    for (;;) {
        if (cap - used < 65536) {
            size_t ncap = cap ? cap * 2 : (len < 65536 ? 262144 : len * 4);
            unsigned char *p;
            if (ncap > ALIGN_PROFILE_MAX_BYTES + 65536)
                ncap = ALIGN_PROFILE_MAX_BYTES + 65536;
            if (ncap <= cap) {
                inflateEnd(&zs);
                free(buf);
                error_set(ALIGN_ELIMIT, name, 0, 0, "the profile inflates to more than %u MiB",
                          (unsigned)(ALIGN_PROFILE_MAX_BYTES >> 20));
                error_hint("is it a heap profile? those are a few MiB at most");
                return ALIGN_ELIMIT;
            }
            p = realloc(buf, ncap);
            if (p == NULL) {
                inflateEnd(&zs);
                free(buf);
                return error_set(ALIGN_ENOMEM, name, 0, 0, "out of memory");
            }
            buf = p;
            cap = ncap;
        }
        zs.next_out = buf + used;
        zs.avail_out = (uInt)(cap - used > UINT32_MAX ? UINT32_MAX : cap - used);
        zrc = inflate(&zs, Z_NO_FLUSH);
        used = (size_t)(zs.next_out - buf);
        if (zrc == Z_STREAM_END)
            break;
        if (zrc == Z_OK)
            continue;
        if (zrc == Z_BUF_ERROR && zs.avail_in == 0) {
            inflateEnd(&zs);
            free(buf);
            error_set(ALIGN_EFORMAT, name, 0, 0,
                      "truncated: the gzip stream ends after %zu bytes without its end", len);
            error_hint("the file was cut short (an interrupted download?): write it again");
            return ALIGN_EFORMAT;
        }
        if (zrc == Z_MEM_ERROR) {
            inflateEnd(&zs);
            free(buf);
            return error_set(ALIGN_ENOMEM, name, 0, 0, "out of memory");
        }
        error_set(ALIGN_EFORMAT, name, 0, 0, "corrupt gzip data: %s",
                  zs.msg ? zs.msg : "inflate failed");
        error_hint("%s", gzip_hint);
        inflateEnd(&zs);
        free(buf);
        return ALIGN_EFORMAT;
    }
    inflateEnd(&zs);
    *out = buf;
    *outlen = used;
    return 0;
}

/* ---------------------------------------------------------- validation */

static const char *str_at(const SaPprof__Profile *m, int64_t i)
{
    if (i < 0 || (uint64_t)i >= m->n_string_table)
        return NULL;
    return m->string_table[i];
}

/* Index of the element with id `id` in an array of messages sorted by id,
 * found through ids[] (a sorted copy of (id, index) pairs). */
typedef struct id_ix {
    uint64_t id;
    size_t ix;
} id_ix;

static int cmp_id(const void *a, const void *b)
{
    const id_ix *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static size_t id_find(const id_ix *ids, size_t n, uint64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid].id == id)
            return ids[mid].ix;
        if (ids[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

static int bad(const char *name, const char *what)
{
    error_set(ALIGN_EFORMAT, name, 0, 0, "not a valid pprof profile: %s", what);
    error_hint("%s", gzip_hint);
    return ALIGN_EFORMAT;
}

/* The index of sample type `type`, or -1. */
static int sample_index(const SaPprof__Profile *m, const char *type)
{
    for (size_t i = 0; i < m->n_sample_type; i++) {
        const char *t = str_at(m, m->sample_type[i]->type);
        if (t && strcmp(t, type) == 0)
            return (int)i;
    }
    return -1;
}

/* -------------------------------------------------------------- sites */

static uint64_t site_hash(const char *file, unsigned line, const char *func, uint64_t size)
{
    /* The strings are the string table's: equal strings are usually the
     * same entry, but a profile may repeat one, so hash the text. */
    uint64_t h = hash_fnv_bytes(HASH_FNV_SEED, file, strlen(file) + 1);
    h = hash_fnv_bytes(h, func, strlen(func) + 1);
    h = hash_fnv_u64(h, line);
    return hash_fnv_u64(h, size);
}

typedef struct site_key {
    const align_profile *p;
    const char *file, *func;
    unsigned line;
    uint64_t size;
} site_key;

static bool site_eq(const void *ctx, uint32_t entry)
{
    const site_key *k = ctx;
    const align_profile_site *s = &k->p->sites[entry];
    return s->line == k->line && s->object_size == k->size && strcmp(s->file, k->file) == 0 &&
           strcmp(s->function, k->func) == 0;
}

static int add_count(uint64_t *acc, int64_t v, const char *name)
{
    if (__builtin_add_overflow(*acc, (uint64_t)v, acc))
        return error_set(ALIGN_EOVERFLOW, name, 0, 0, "the profile's counts overflow 64 bits");
    return 0;
}

/* The site for (file, line, func, size), made on first use. */
static align_profile_site *site_get(align_profile *p, const char *file, unsigned line,
                                    const char *func, uint64_t size)
{
    site_key key = {p, file, func, line, size};
    uint64_t h = site_hash(file, line, func, size);
    uint32_t k = table_find(&p->index, h, site_eq, &key);
    if (k != TABLE_NONE)
        return &p->sites[k];
    if (vec_reserve((void **)&p->sites, &p->sites_cap, p->nsites + 1, sizeof *p->sites, 64) < 0)
        return NULL;
    if (table_add(&p->index, h, (uint32_t)p->nsites) < 0)
        return NULL;
    align_profile_site *s = &p->sites[p->nsites++];
    memset(s, 0, sizeof *s);
    s->file = file;
    s->line = line;
    s->function = func;
    s->object_size = size;
    return s;
}

/* The indexes of alloc_objects, alloc_space, inuse_objects and inuse_space
 * among m's sample types into ix[0..3]; an error naming what the profile is
 * instead (a CPU profile, no samples) when it is not a heap profile. */
static int heap_sample_types(const SaPprof__Profile *m, const char *name, int ix[4])
{
    static const char *const types[4] = {"alloc_objects", "alloc_space", "inuse_objects",
                                         "inuse_space"};
    const char *t0, *pt;
    for (size_t i = 0; i < m->n_sample_type; i++)
        if (!str_at(m, m->sample_type[i]->type) || !str_at(m, m->sample_type[i]->unit))
            return bad(name, "a sample type names no string");
    for (int k = 0; k < 4; k++)
        ix[k] = sample_index(m, types[k]);
    if (ix[0] >= 0 && ix[2] >= 0 && ix[3] >= 0)
        return ix[1] < 0 ? bad(name, "it has no alloc_space sample type") : 0;
    t0 = m->n_sample_type ? str_at(m, m->sample_type[0]->type) : NULL;
    pt = m->period_type ? str_at(m, m->period_type->type) : NULL;
    if (t0 == NULL) {
        error_set(ALIGN_EFORMAT, name, 0, 0,
                  "not a pprof profile: the data decodes to a protobuf message "
                  "with no sample types");
        error_hint("%s", gzip_hint);
        return ALIGN_EFORMAT;
    }
    if ((pt && strcmp(pt, "cpu") == 0) || strcmp(t0, "samples") == 0 || strcmp(t0, "cpu") == 0)
        error_set(ALIGN_EFORMAT, name, 0, 0,
                  "a CPU profile, not a heap profile (its samples are %s)", t0);
    else
        error_set(ALIGN_EFORMAT, name, 0, 0,
                  "not a heap profile: its samples are %s, not inuse_objects, "
                  "inuse_space, alloc_objects and alloc_space",
                  t0);
    error_hint("give a heap profile: pprof.WriteHeapProfile, go test -memprofile, "
               "or /debug/pprof/heap");
    return ALIGN_EFORMAT;
}

/* Every string index of the mappings and functions is in the table. */
static int check_names(const SaPprof__Profile *m, const char *name)
{
    for (size_t i = 0; i < m->n_mapping; i++)
        if (!str_at(m, m->mapping[i]->filename) || !str_at(m, m->mapping[i]->build_id))
            return bad(name, "a mapping names no string");
    for (size_t i = 0; i < m->n_function; i++)
        if (!str_at(m, m->function[i]->name) || !str_at(m, m->function[i]->filename) ||
            !str_at(m, m->function[i]->system_name))
            return bad(name, "a function names no string");
    return 0;
}

/* The ids of a message's locations and functions, sorted for id_find. */
typedef struct id_index {
    id_ix *locs, *funcs;
} id_index;

/* Sums one sample into its site (file, line and function of the leaf
 * location's innermost line) and into the profile's totals. */
static int digest_sample(align_profile *p, const SaPprof__Sample *s, const id_index *ids,
                         const int ix[4], const char *name)
{
    const SaPprof__Profile *m = p->msg;
    const char *file = "", *func = "";
    unsigned line = 0;
    uint64_t size = 0;
    align_profile_site *site;
    if (s->n_value != m->n_sample_type)
        return bad(name, "a sample has more or fewer values than sample types");
    for (int k = 0; k < 4; k++)
        if (s->value[ix[k]] < 0)
            return bad(name, "a sample has a negative count");
    for (size_t k = 0; k < s->n_label; k++) {
        const char *key = str_at(m, s->label[k]->key);
        if (key == NULL)
            return bad(name, "a label names no string");
        if (strcmp(key, "bytes") == 0 && s->label[k]->num > 0)
            size = (uint64_t)s->label[k]->num;
    }
    for (size_t k = 0; k < s->n_location_id; k++)
        if (id_find(ids->locs, m->n_location, s->location_id[k]) == SIZE_MAX)
            return bad(name, "a sample refers to a location that does not exist");
    /* The leaf location's innermost line is the allocating frame:
     * runtime/pprof hides the runtime's own frames above it. */
    if (s->n_location_id > 0) {
        const SaPprof__Location *loc =
            m->location[id_find(ids->locs, m->n_location, s->location_id[0])];
        if (loc->n_line > 0) {
            size_t fi = id_find(ids->funcs, m->n_function, loc->line[0]->function_id);
            if (fi == SIZE_MAX)
                return bad(name, "a location refers to a function that does not exist");
            if (loc->line[0]->line < 0 || loc->line[0]->line > (int64_t)UINT32_MAX)
                return bad(name, "a line number is out of range");
            line = (unsigned)loc->line[0]->line;
            file = str_at(m, m->function[fi]->filename);
            func = str_at(m, m->function[fi]->name);
        }
    }
    site = site_get(p, file, line, func, size);
    if (site == NULL)
        return ALIGN_ENOMEM;
    site->nstacks++;
    if (add_count(&site->alloc_objects, s->value[ix[0]], name) < 0 ||
        add_count(&site->alloc_bytes, s->value[ix[1]], name) < 0 ||
        add_count(&site->inuse_objects, s->value[ix[2]], name) < 0 ||
        add_count(&site->inuse_bytes, s->value[ix[3]], name) < 0 ||
        add_count(&p->info.alloc_objects, s->value[ix[0]], name) < 0 ||
        add_count(&p->info.alloc_bytes, s->value[ix[1]], name) < 0 ||
        add_count(&p->info.inuse_objects, s->value[ix[2]], name) < 0 ||
        add_count(&p->info.inuse_bytes, s->value[ix[3]], name) < 0)
        return ALIGN_EOVERFLOW;
    return 0;
}

/* Validates the decoded message and sums its samples into sites. */
static int digest(align_profile *p, const char *name)
{
    const SaPprof__Profile *m = p->msg;
    id_index ids = {NULL, NULL};
    int ix[4], rc;

    if (m->n_string_table == 0 || m->string_table[0][0] != '\0')
        return bad(name, "its string table does not start with \"\"");
    rc = heap_sample_types(m, name, ix);
    if (rc == 0)
        rc = check_names(m, name);
    if (rc < 0)
        return rc;
    ids.locs = malloc((m->n_location + 1) * sizeof *ids.locs);
    ids.funcs = malloc((m->n_function + 1) * sizeof *ids.funcs);
    if (ids.locs == NULL || ids.funcs == NULL) {
        rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < m->n_location; i++)
        ids.locs[i] = (id_ix){m->location[i]->id, i};
    for (size_t i = 0; i < m->n_function; i++)
        ids.funcs[i] = (id_ix){m->function[i]->id, i};
    qsort(ids.locs, m->n_location, sizeof *ids.locs, cmp_id);
    qsort(ids.funcs, m->n_function, sizeof *ids.funcs, cmp_id);

    p->info.period = m->period;
    p->info.time_nanos = m->time_nanos;
    if (m->default_sample_type) {
        p->info.default_sample = str_at(m, m->default_sample_type);
        if (p->info.default_sample == NULL) {
            rc = bad(name, "its default sample type names no string");
            goto done;
        }
    }
    if (m->n_mapping > 0) {
        const char *f = str_at(m, m->mapping[0]->filename);
        const char *b = str_at(m, m->mapping[0]->build_id);
        p->info.executable = *f ? f : NULL;
        p->info.build_id = *b ? b : NULL;
    }
    p->info.nsamples = m->n_sample;
    for (size_t i = 0; i < m->n_sample && rc == 0; i++)
        rc = digest_sample(p, m->sample[i], &ids, ix, name);
    p->info.nsites = p->nsites;
done:
    free(ids.locs);
    free(ids.funcs);
    return rc;
}

/* ------------------------------------------------------------- public */

int align_profile_read_mem(align_profile **out, const char *name, const void *data, size_t len)
{
    unsigned char *raw = NULL;
    size_t rawlen = 0;
    align_profile *p;
    int rc;

    *out = NULL;
    if (name == NULL)
        name = "<profile>";
    rc = inflate_all(&raw, &rawlen, name, data, len);
    if (rc < 0)
        return rc;
    p = calloc(1, sizeof *p);
    if (p == NULL) {
        free(raw);
        return error_set(ALIGN_ENOMEM, name, 0, 0, "out of memory");
    }
    p->path = strdup(name);
    if (p->path == NULL) {
        free(raw);
        align_profile_free(p);
        return error_set(ALIGN_ENOMEM, name, 0, 0, "out of memory");
    }
    p->info.path = p->path;
    p->msg = sa_pprof__profile__unpack(NULL, rawlen, raw);
    free(raw);
    if (p->msg == NULL) {
        align_profile_free(p);
        error_set(ALIGN_EFORMAT, name, 0, 0,
                  "not a pprof profile: the gzipped data is not a protobuf Profile "
                  "message");
        error_hint("%s", gzip_hint);
        return ALIGN_EFORMAT;
    }
    rc = digest(p, name);
    if (rc < 0) {
        align_profile_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int align_profile_open(align_profile **out, const char *path)
{
    FILE *f = NULL;
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc;

    *out = NULL;
    /* A regular file only (a FIFO would block), of at most the cap; "-"
     * is standard input, read under the same cap. */
    if (strcmp(path, "-") == 0) {
        f = stdin;
    } else {
        rc = file_open_regular(&f, path, ALIGN_PROFILE_MAX_FILE_BYTES);
        if (rc < 0)
            return rc;
    }
    for (;;) {
        size_t n;
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            unsigned char *p;
            if (cap >= ALIGN_PROFILE_MAX_FILE_BYTES) {
                if (f != stdin)
                    fclose(f);
                free(buf);
                return error_set(ALIGN_ELIMIT, path, 0, 0, "larger than %u MiB",
                                 (unsigned)(ALIGN_PROFILE_MAX_FILE_BYTES >> 20));
            }
            p = realloc(buf, ncap);
            if (p == NULL) {
                if (f != stdin)
                    fclose(f);
                free(buf);
                return error_set(ALIGN_ENOMEM, path, 0, 0, "out of memory");
            }
            buf = p;
            cap = ncap;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        if (f != stdin)
            fclose(f);
        free(buf);
        return error_set(ALIGN_EIO, path, 0, 0, "cannot read: %s", e ? strerror(e) : "read error");
    }
    if (f != stdin)
        fclose(f);
    if (len == 0) {
        free(buf);
        error_set(ALIGN_EFORMAT, path, 0, 0, "empty file, not a pprof profile");
        error_hint("%s", gzip_hint);
        return ALIGN_EFORMAT;
    }
    rc = align_profile_read_mem(out, path, buf, len);
    free(buf);
    return rc;
}

void align_profile_free(align_profile *p)
{
    if (p == NULL)
        return;
    if (p->msg)
        sa_pprof__profile__free_unpacked(p->msg, NULL);
    free(p->sites);
    table_free(&p->index);
    free(p->path);
    free(p);
}

const align_profile_info *align_profile_info_get(const align_profile *p)
{
    return &p->info;
}

HANDLE_ACCESSORS(align_profile, align_profile_nsites, align_profile_site_get, align_profile_site,
                 nsites, sites)

const char *align_sample_name(align_sample s)
{
    switch (s) {
    case ALIGN_SAMPLE_INUSE: return "inuse";
    case ALIGN_SAMPLE_ALLOC: return "alloc";
    }
    return NULL;
}
