/* Logging to stderr; stdout is for data.
 *
 * Thread-safety: any thread; each message is written with one call so lines never interleave. */
#ifndef RM_LOG_H
#define RM_LOG_H

#include "core/err.h"

typedef enum rm_log_level {
    RM_LOG_ERROR = 0,
    RM_LOG_WARN,
    RM_LOG_INFO,
    RM_LOG_DEBUG
} rm_log_level;

/* Default RM_LOG_INFO, or the REVMINE_LOG environment variable (error|warn|info|debug). */
void rm_log_set_level(rm_log_level level);
rm_log_level rm_log_get_level(void);
void rm_log(rm_log_level level, const char *fmt, ...) RM_PRINTF(2, 3);

#define rm_log_error(...) rm_log(RM_LOG_ERROR, __VA_ARGS__)
#define rm_log_warn(...) rm_log(RM_LOG_WARN, __VA_ARGS__)
#define rm_log_info(...) rm_log(RM_LOG_INFO, __VA_ARGS__)
#define rm_log_debug(...) rm_log(RM_LOG_DEBUG, __VA_ARGS__)

#endif
