/* Character sets: find what a fetched page is encoded in and turn it into UTF-8.
 *
 * Thread-safety: any thread; every call opens its own iconv descriptor.
 *
 * The order follows the HTML encoding sniffing algorithm: byte order mark, then the HTTP
 * Content-Type charset, then <meta charset> / <meta http-equiv> (or an XML declaration) in the
 * first bytes, then a guess from the bytes themselves. Labels map as browsers map them
 * (WHATWG Encoding: "iso-8859-1" and "ascii" mean windows-1252), so text decodes as people saw
 * it. Conversion goes through glibc iconv; invalid bytes become U+FFFD and never stop it. */
#ifndef RM_CHARSET_H
#define RM_CHARSET_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

/* Longest encoding name rm_charset_sniff() writes, with its NUL. */
#define RM_CHARSET_MAX 32

/* How far into the body <meta charset> is looked for; browsers stop at 1024 bytes, real pages
 * with a long <head> put it later, and the scan is cheap. */
#define RM_CHARSET_PRESCAN 4096

/* Writes the iconv name of the body's encoding ("UTF-8", "WINDOWS-1251", "KOI8-R", ...) into
 * out. content_type may be NULL. Borrows everything during the call only. Never fails: a page
 * that declares nothing usable gets a guess. Returns the number of BOM bytes to skip. */
size_t rm_charset_sniff(const char *content_type, const char *body, size_t len,
                        char out[RM_CHARSET_MAX]);

/* Maps an encoding label from a header or a page ("cp1251", "koi8_r", "latin1") to an iconv
 * name in out. Returns 0, or -1 for a label nobody knows. */
int rm_charset_label(const char *label, size_t label_len, char out[RM_CHARSET_MAX]);

/* Converts len bytes in charset to UTF-8 without NUL bytes: *out_len bytes at *out, which is
 * in itself when in already is such UTF-8 (no terminator promised then), else a NUL-terminated
 * copy from a that lives until a is reset. Bytes not valid in charset become U+FFFD.
 * RM_EUNSUPPORTED when iconv does not know charset. */
RM_MUST_CHECK rm_err rm_charset_to_utf8(const char *charset, const char *in, size_t len,
                                        rm_arena *a, const char **out, size_t *out_len);

/* len bytes of UTF-8 without NUL bytes: in itself when it already is (no terminator promised
 * then), else a NUL-terminated copy from a with each bad sequence made U+FFFD. */
const char *rm_charset_utf8(const char *in, size_t len, rm_arena *a, size_t *out_len);

/* Returns the length of the valid UTF-8 prefix of s (stops at the first bad sequence). */
size_t rm_charset_utf8_valid(const char *s, size_t len);

#endif
