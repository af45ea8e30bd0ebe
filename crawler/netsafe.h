/* Address safety: is a resolved peer on the public Internet? The fetcher asks after DNS, in
 * curl's CURLOPT_OPENSOCKETFUNCTION, and refuses other peers unless the job opts in, so a page
 * cannot steer the crawler at 127.0.0.1, the cloud metadata address or the office LAN
 * (SSRF), whatever name or redirect it uses:
 *
 *   static curl_socket_t open_socket(void *job, curlsocktype purpose, struct curl_sockaddr *a)
 *   {
 *       if (!job_allows_private(job) && !rm_netsafe_is_public(&a->addr))
 *           return CURL_SOCKET_BAD;              // curl fails the transfer
 *       return socket(a->family, a->socktype, a->protocol);
 *   }
 *
 * Thread-safety: pure functions; callable from any thread.
 *
 * Not public (after the IANA special-purpose registries, RFC 6890 and successors):
 *   IPv4  0/8 unspecified; 127/8 loopback; 10/8, 172.16/12, 192.168/16 private;
 *         169.254/16 link-local; 100.64/10 shared (CGNAT); 224/4 multicast;
 *         255.255.255.255 broadcast; reserved: 192.0.0/24 (protocol assignments),
 *         192.0.2/24, 198.51.100/24, 203.0.113/24 (documentation), 192.88.99/24 (6to4
 *         relay), 198.18/15 (benchmarking), 240/4.
 *   IPv6  :: unspecified; ::1 loopback; fc00::/7 private (ULA); fe80::/10 link-local;
 *         ff00::/8 multicast; reserved: 2001::/23 (protocol assignments, Teredo),
 *         2001:db8::/32 and 3fff::/20 (documentation), 64:ff9b:1::/48 (local NAT64), and
 *         everything outside 2000::/3 (global unicast), which covers fec0::/10, 100::/64 and
 *         the deprecated IPv4-compatible ::a.b.c.d.
 *   Embedded IPv4 is judged as IPv4: IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d
 *   and 6to4 2002:aabb:ccdd::/48 are public only when a.b.c.d is. */
#ifndef RM_NETSAFE_H
#define RM_NETSAFE_H

#include <stdbool.h>
#include <sys/socket.h>

typedef enum rm_netsafe_class {
    RM_NETSAFE_PUBLIC = 0,
    RM_NETSAFE_UNSPECIFIED,
    RM_NETSAFE_LOOPBACK,
    RM_NETSAFE_PRIVATE,
    RM_NETSAFE_LINK_LOCAL,
    RM_NETSAFE_SHARED,     /* 100.64/10, carrier-grade NAT */
    RM_NETSAFE_MULTICAST,
    RM_NETSAFE_BROADCAST,
    RM_NETSAFE_RESERVED,
    RM_NETSAFE_UNKNOWN     /* NULL, or a family other than AF_INET and AF_INET6 */
} rm_netsafe_class;

/* What kind of address sa holds (AF_INET or AF_INET6; read by sa_family, so sa must point to
 * a whole sockaddr_in or sockaddr_in6). Borrows sa during the call. */
rm_netsafe_class rm_netsafe_classify(const struct sockaddr *sa);
/* rm_netsafe_classify(sa) == RM_NETSAFE_PUBLIC. */
bool rm_netsafe_is_public(const struct sockaddr *sa);
/* "public", "loopback", "private", ... for logs. */
const char *rm_netsafe_class_str(rm_netsafe_class c);

#endif
