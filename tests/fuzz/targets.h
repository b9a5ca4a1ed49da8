/* Fuzz targets: one entry point per input format libalign reads.
 *
 * Each function feeds arbitrary bytes to one parser the way the CLI does
 * (parse, then lay out and render every type found) and must never crash,
 * leak or trip a sanitizer, whatever the library returns.  The same
 * functions are linked into the libFuzzer harnesses (fuzz_main.c, clang,
 * `make fuzz`) and into the regression driver that `make check` runs over
 * the committed corpora and crash inputs (fuzz_replay.c, any compiler). */
#ifndef ALIGN_FUZZ_TARGETS_H
#define ALIGN_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

typedef int (*fuzz_target_fn)(const uint8_t *data, size_t size);

int fuzz_decl_go(const uint8_t *data, size_t size);
int fuzz_decl_c(const uint8_t *data, size_t size);
int fuzz_escape_text(const uint8_t *data, size_t size);
int fuzz_escape_json(const uint8_t *data, size_t size);
int fuzz_counts(const uint8_t *data, size_t size);
int fuzz_dwarf(const uint8_t *data, size_t size);
/* A heap profile file (gzipped protobuf) as align_profile_read_mem reads
 * it; profile_pb gzips the input first, so that the fuzzer spends its time
 * in the protobuf decoding and the validation rather than in zlib's
 * checksum. */
int fuzz_profile(const uint8_t *data, size_t size);
int fuzz_profile_pb(const uint8_t *data, size_t size);

/* Name -> function; NULL when unknown. */
fuzz_target_fn fuzz_target_lookup(const char *name);

#endif
