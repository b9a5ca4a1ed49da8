/*
 * hash.h - the one string/byte hash of libalign: 64-bit FNV-1a.
 *
 * Who uses it: every open-addressing table in the library (type names and
 * tags, C constants, Go declaration symbols, escape-log strings, Go
 * functions and files, heap sites, DWARF record deduplication).  Keys are
 * identifiers and paths of a few to a few hundred bytes; tables hold up to
 * ~100,000 of them (cmd/go's DWARF), and each table masks the hash with its
 * power-of-two capacity.
 *
 * Why FNV-1a: it is a few lines, has no state to seed, and spreads short
 * identifiers well enough for linear probing at load factor <= 1/2.
 * Rejected: SipHash (keys are not attacker-chosen in a way that matters:
 * the worst case of a crafted input is a slow audit, bounded by the
 * input's size) and a stronger mixer (measured no faster overall on cmd/go).
 *
 * Chaining: start from HASH_FNV_SEED and feed pieces with hash_fnv_bytes
 * (or hash_fnv_u64 for an integer: its 8 bytes, little end first), so a key
 * made of several fields hashes without building a string first.
 */
#ifndef LIBALIGN_UTIL_HASH_H
#define LIBALIGN_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_SEED 1469598103934665603ull
#define HASH_FNV_PRIME 1099511628211ull

/* h extended with the n bytes at p. */
static inline uint64_t hash_fnv_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= HASH_FNV_PRIME;
    }
    return h;
}

/* h extended with the bytes of the NUL-terminated string s (not the NUL). */
static inline uint64_t hash_fnv_str(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= HASH_FNV_PRIME;
    }
    return h;
}

/* h extended with the 8 bytes of v, least significant first (the same on
 * every host, unlike hashing the object's memory). */
static inline uint64_t hash_fnv_u64(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= HASH_FNV_PRIME;
    }
    return h;
}

/* The hash of len bytes at s: one call for the common case. */
static inline uint64_t hash_str(const char *s, size_t len)
{
    return hash_fnv_bytes(HASH_FNV_SEED, s, len);
}

#endif
