#include "core/rm.h"
#include "core/hash.h"

uint64_t rm_hash64_add(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t rm_hash64(const void *data, size_t len)
{
    return rm_hash64_add(RM_HASH64_INIT, data, len);
}

#define FAST_K1 0x87c37b91114253d5ULL
#define FAST_K2 0x4cf5ad432745937fULL

static uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* Little-endian on every machine: the value is stored. */
static uint64_t load_le(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t load8(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
#else
    return load_le(p, 8);
#endif
}

static uint64_t scramble(uint64_t k)
{
    return rotl64(k * FAST_K1, 31) * FAST_K2;
}

/* Murmur-style: each word scrambled and folded in, then a finalizer that spreads every input
 * bit over the output (the low bits index hash tables). */
uint64_t rm_hash64_fast(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;
    size_t n = len;

    for (; n >= 8; n -= 8, p += 8)
        h = rotl64(h ^ scramble(load8(p)), 27) * 5 + 0x52dce729;
    if (n)
        h ^= scramble(load_le(p, n));
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

void rm_hash64_hex(uint64_t h, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = hex[h & 15];
        h >>= 4;
    }
    out[16] = '\0';
}
