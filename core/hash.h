/* Non-cryptographic hashing for dedupe keys and content fingerprints.
 *
 * Thread-safety: pure functions. Values are stable across runs and machines (they are stored). */
#ifndef RM_HASH_H
#define RM_HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit FNV-1a of len bytes. */
uint64_t rm_hash64(const void *data, size_t len);
/* Continues a hash: h = rm_hash64_add(h, more, n); start from RM_HASH64_INIT. */
#define RM_HASH64_INIT 0xcbf29ce484222325ULL
uint64_t rm_hash64_add(uint64_t h, const void *data, size_t len);
/* 64-bit hash of len bytes taking 8 bytes per step: for page bodies, URLs and tokens, where
 * FNV-1a's byte-at-a-time multiply chain showed up in profiles. Stable like rm_hash64 (page
 * content hashes are stored): the same value on every machine, never to be changed. */
uint64_t rm_hash64_fast(const void *data, size_t len);
/* Writes h as 16 lower-case hex digits and a NUL. */
void rm_hash64_hex(uint64_t h, char out[17]);

#endif
