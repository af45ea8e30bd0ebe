/* Address classification by prefix tables; the first matching row wins, so a more specific
 * row (broadcast) precedes the block that contains it (240/4). */
#include "core/rm.h"
#include "crawler/netsafe.h"

#include <netinet/in.h>

typedef struct v4_row {
    uint32_t net; /* host byte order */
    unsigned bits;
    rm_netsafe_class cls;
} v4_row;

typedef struct v6_row {
    uint8_t net[16];
    unsigned bits;
    rm_netsafe_class cls;
} v6_row;

#define V4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((c) << 8) | (d))

static const v4_row v4_rows[] = {
    {V4(0, 0, 0, 0), 8, RM_NETSAFE_UNSPECIFIED},
    {V4(10, 0, 0, 0), 8, RM_NETSAFE_PRIVATE},
    {V4(100, 64, 0, 0), 10, RM_NETSAFE_SHARED},
    {V4(127, 0, 0, 0), 8, RM_NETSAFE_LOOPBACK},
    {V4(169, 254, 0, 0), 16, RM_NETSAFE_LINK_LOCAL},
    {V4(172, 16, 0, 0), 12, RM_NETSAFE_PRIVATE},
    {V4(192, 0, 0, 0), 24, RM_NETSAFE_RESERVED},
    {V4(192, 0, 2, 0), 24, RM_NETSAFE_RESERVED},
    {V4(192, 88, 99, 0), 24, RM_NETSAFE_RESERVED},
    {V4(192, 168, 0, 0), 16, RM_NETSAFE_PRIVATE},
    {V4(198, 18, 0, 0), 15, RM_NETSAFE_RESERVED},
    {V4(198, 51, 100, 0), 24, RM_NETSAFE_RESERVED},
    {V4(203, 0, 113, 0), 24, RM_NETSAFE_RESERVED},
    {V4(224, 0, 0, 0), 4, RM_NETSAFE_MULTICAST},
    {V4(255, 255, 255, 255), 32, RM_NETSAFE_BROADCAST},
    {V4(240, 0, 0, 0), 4, RM_NETSAFE_RESERVED},
};

/* Rows for addresses judged as themselves; embedded IPv4 forms are handled before. */
static const v6_row v6_rows[] = {
    {{0}, 128, RM_NETSAFE_UNSPECIFIED},
    {{[15] = 1}, 128, RM_NETSAFE_LOOPBACK},
    {{0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48, RM_NETSAFE_RESERVED},
    {{0x20, 0x01, 0x0d, 0xb8}, 32, RM_NETSAFE_RESERVED},
    {{0x20, 0x01}, 23, RM_NETSAFE_RESERVED},
    {{0x3f, 0xff}, 20, RM_NETSAFE_RESERVED},
    {{0xfc}, 7, RM_NETSAFE_PRIVATE},
    {{0xfe, 0x80}, 10, RM_NETSAFE_LINK_LOCAL},
    {{0xff}, 8, RM_NETSAFE_MULTICAST},
};

static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
static const uint8_t nat64_prefix[12] = {0x00, 0x64, 0xff, 0x9b};

static rm_netsafe_class classify_v4(uint32_t a)
{
    for (size_t i = 0; i < RM_ARRAY_LEN(v4_rows); i++) {
        uint32_t mask = v4_rows[i].bits ? ~(uint32_t)0 << (32 - v4_rows[i].bits) : 0;
        if ((a & mask) == v4_rows[i].net)
            return v4_rows[i].cls;
    }
    return RM_NETSAFE_PUBLIC;
}

static uint32_t v4_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static bool in_prefix(const uint8_t *a, const uint8_t *net, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;

    if (memcmp(a, net, whole))
        return false;
    return !rest || ((a[whole] ^ net[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static rm_netsafe_class classify_v6(const uint8_t *a)
{
    if (!memcmp(a, mapped_prefix, 12) || !memcmp(a, nat64_prefix, 12))
        return classify_v4(v4_at(a + 12));
    if (a[0] == 0x20 && a[1] == 0x02) /* 6to4: 2002:AABB:CCDD::/48 */
        return classify_v4(v4_at(a + 2));
    for (size_t i = 0; i < RM_ARRAY_LEN(v6_rows); i++)
        if (in_prefix(a, v6_rows[i].net, v6_rows[i].bits))
            return v6_rows[i].cls;
    /* Only 2000::/3 holds global unicast today. */
    return (a[0] & 0xe0) == 0x20 ? RM_NETSAFE_PUBLIC : RM_NETSAFE_RESERVED;
}

rm_netsafe_class rm_netsafe_classify(const struct sockaddr *sa)
{
    uint8_t bytes[16];

    if (!sa)
        return RM_NETSAFE_UNKNOWN;
    /* Copied out: curl's struct curl_sockaddr gives no alignment promise beyond sockaddr. */
    if (sa->sa_family == AF_INET) {
        memcpy(bytes, (const char *)sa + offsetof(struct sockaddr_in, sin_addr), 4);
        return classify_v4(v4_at(bytes));
    }
    if (sa->sa_family == AF_INET6) {
        memcpy(bytes, (const char *)sa + offsetof(struct sockaddr_in6, sin6_addr), 16);
        return classify_v6(bytes);
    }
    return RM_NETSAFE_UNKNOWN;
}

bool rm_netsafe_is_public(const struct sockaddr *sa)
{
    return rm_netsafe_classify(sa) == RM_NETSAFE_PUBLIC;
}

const char *rm_netsafe_class_str(rm_netsafe_class c)
{
    switch (c) {
    case RM_NETSAFE_PUBLIC: return "public";
    case RM_NETSAFE_UNSPECIFIED: return "unspecified";
    case RM_NETSAFE_LOOPBACK: return "loopback";
    case RM_NETSAFE_PRIVATE: return "private";
    case RM_NETSAFE_LINK_LOCAL: return "link-local";
    case RM_NETSAFE_SHARED: return "shared";
    case RM_NETSAFE_MULTICAST: return "multicast";
    case RM_NETSAFE_BROADCAST: return "broadcast";
    case RM_NETSAFE_RESERVED: return "reserved";
    case RM_NETSAFE_UNKNOWN: return "unknown";
    }
    return "unknown";
}
