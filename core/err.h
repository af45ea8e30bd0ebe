/* revmine error codes.
 *
 * Thread-safety: pure functions, callable from any thread.
 *
 * Every fallible function returns an rm_err; RM_OK is zero so `if (err)` reads naturally.
 * Text meant for people goes through rm_diag (core/diag.h), never through the code alone. */
#ifndef RM_ERR_H
#define RM_ERR_H

#if defined(__GNUC__) || defined(__clang__)
#define RM_MUST_CHECK __attribute__((warn_unused_result))
#define RM_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define RM_NORETURN __attribute__((noreturn))
#else
#define RM_MUST_CHECK
#define RM_PRINTF(fmt, args)
#define RM_NORETURN
#endif

typedef enum rm_err {
    RM_OK = 0,
    RM_EINVAL,      /* bad argument or value */
    RM_EIO,         /* file or socket I/O failed; errno is kept */
    RM_EPARSE,      /* input did not parse */
    RM_ETOOBIG,     /* a size limit was reached */
    RM_ENOTFOUND,   /* no such item */
    RM_EEMPTY,      /* nothing available now (queue, frontier) */
    RM_ECLOSED,     /* the queue or service was shut down */
    RM_EDB,         /* SQLite failed */
    RM_ENET,        /* network or HTTP failure */
    RM_ECONFIG,     /* configuration is invalid; details are in the rm_diag */
    RM_EDENIED,     /* refused by policy (robots.txt, address safety, scheme) */
    RM_EUNSUPPORTED, /* valid but not handled (encoding, scheme, format) */
    RM_EBUSY        /* held by someone else (a job another process is crawling) */
} rm_err;

/* Returns a static, lower-case phrase such as "parse error". */
const char *rm_err_str(rm_err err);

#endif
