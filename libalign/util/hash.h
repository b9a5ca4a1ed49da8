/*
 * hash.h - the one string/byte hash of libalign: FNV-1a taken a 64-bit
 * word at a time, each word mixed into the state.
 *
 * Who uses it: every open-addressing table in the library (type names and
 * tags, C constants, Go declaration symbols, escape-log strings, Go
 * functions and files, heap sites, the escape join's sets of 64-byte
 * values, DWARF record deduplication and fingerprints).  Keys are
 * identifiers and paths of a few to a few hundred bytes, and the join's
 * fixed-size values (64 bytes, a few per site of logs of millions of
 * sites); tables hold up to millions of them, and each table masks the
 * hash with its power-of-two capacity, so every input bit must reach the
 * low bits.
 *
 * The steps, for each word w (8 bytes, little end first, the same on
 * every host; the last 1-7 bytes are one word with their count in its top
 * byte, so "ab" and "ab\0" differ): FNV-1a's h = (h ^ w) * FNV_PRIME, then
 * a mixer, h ^= h >> 32, h *= 0xff51afd7ed558ccd (MurmurHash3's), h ^= h
 * >> 29.  A multiply carries a bit only upward: alone, the top byte of a
 * word reaches only the top of the state, where the next word's bytes can
 * cancel it (267 of 200,000 64-byte values with one or two bytes set
 * collided with one multiply and a shift), and the last word's top
 * byte never reaches the bits a table indexes (line << 32 | column keys:
 * every line one bucket, issue #15).  The mixer spreads every bit of the
 * word over the state (tests/test_table.c, test_hash_spread).
 *
 * Why: byte-wise FNV-1a is a serial multiply per byte, 64 of them for one
 * of the join's values, ~10% of the CPU of `audit --escape` of a 50 MB log
 * (bench/escape_join); a word at a time is 16, and no longer serial per
 * byte.
 * Rejected: SipHash (keys are not attacker-chosen in a way that matters:
 * the worst case of a crafted input is a slow audit, bounded by the
 * input's size), a second hash for the fixed-size values (two hashes to
 * keep consistent where one key is hashed by two callers: hash_str and
 * table_find_text, hash_fnv_str and hash_fnv_bytes must agree).
 *
 * Chaining: start from HASH_FNV_SEED and feed pieces with hash_fnv_bytes
 * (or hash_fnv_u64 for an integer, hash_fnv_str for a C string), so a key
 * made of several fields hashes without building a string first.  One
 * piece fed whole or as the same bytes through another function hashes the
 * same (hash_fnv_u64(h, v) is hash_fnv_bytes of v's 8 bytes, little end
 * first; hash_fnv_str(h, s) of s's strlen(s) bytes); a piece split in two
 * does not.
 */
#ifndef LIBALIGN_UTIL_HASH_H
#define LIBALIGN_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HASH_FNV_SEED 1469598103934665603ull
#define HASH_FNV_PRIME 1099511628211ull

/* The little-endian 64-bit word of the n (<= 8) bytes at s. */
static inline uint64_t hash_word(const unsigned char *s, size_t n)
{
    uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&w, s, n);
#else
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)s[i] << (8 * i);
#endif
    return w;
}

/* One word into the state: FNV-1a's step, then a mixer (xor-shift,
 * multiply, xor-shift) so that every bit of the word reaches every bit of
 * the state. */
static inline uint64_t hash_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * HASH_FNV_PRIME;
    h ^= h >> 32;
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
}

/* h extended with the n bytes at p. */
static inline uint64_t hash_fnv_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        h = hash_step(h, hash_word(s + i, 8));
    if (i < n)
        h = hash_step(h, hash_word(s + i, n - i) | (uint64_t)(n - i) << 56);
    return h;
}

/* h extended with the bytes of the NUL-terminated string s (not the NUL). */
static inline uint64_t hash_fnv_str(uint64_t h, const char *s)
{
    return hash_fnv_bytes(h, s, strlen(s));
}

/* h extended with the 8 bytes of v, least significant first (the same on
 * every host, unlike hashing the object's memory). */
static inline uint64_t hash_fnv_u64(uint64_t h, uint64_t v)
{
    return hash_step(h, v);
}

/* The hash of len bytes at s: one call for the common case. */
static inline uint64_t hash_str(const char *s, size_t len)
{
    return hash_fnv_bytes(HASH_FNV_SEED, s, len);
}

#endif
