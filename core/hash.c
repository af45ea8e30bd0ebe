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

void rm_hash64_hex(uint64_t h, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = hex[h & 15];
        h >>= 4;
    }
    out[16] = '\0';
}
