#include "core/rm.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int log_level = -1;

static int level_from_env(void)
{
    const char *v = getenv("REVMINE_LOG");
    if (!v)
        return RM_LOG_INFO;
    if (!strcmp(v, "error"))
        return RM_LOG_ERROR;
    if (!strcmp(v, "warn"))
        return RM_LOG_WARN;
    if (!strcmp(v, "debug"))
        return RM_LOG_DEBUG;
    return RM_LOG_INFO;
}

void rm_log_set_level(rm_log_level level)
{
    atomic_store(&log_level, (int)level);
}

rm_log_level rm_log_get_level(void)
{
    int l = atomic_load(&log_level);
    if (l < 0) {
        l = level_from_env();
        atomic_store(&log_level, l);
    }
    return (rm_log_level)l;
}

void rm_log(rm_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"error", "warn", "info", "debug"};
    char line[2048];
    struct timespec ts;
    struct tm tm;
    va_list ap;
    size_t n;
    int k;

    if ((int)level > (int)rm_log_get_level())
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ", &tm);
    k = snprintf(line + n, sizeof(line) - n, " revmine %s: ", names[level]);
    if (k > 0)
        n += (size_t)k < sizeof(line) - n ? (size_t)k : sizeof(line) - n - 1;
    va_start(ap, fmt);
    k = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    if (k > 0)
        n += (size_t)k < sizeof(line) - n ? (size_t)k : sizeof(line) - n - 1;
    if (n < sizeof(line) - 1)
        line[n++] = '\n';
    else
        line[sizeof(line) - 2] = '\n', n = sizeof(line) - 1;
    line[n] = '\0';
    fputs(line, stderr);
}
