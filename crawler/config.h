/* Job configuration: YAML files under configs/ parsed into rm_job structs.
 *
 * Thread-safety: an rm_config is built on one thread and read-only afterwards; any thread may
 * read it (compiled patterns are shared; match data is per caller).
 *
 * One table (config.c, job_fields[]) lists every field with its type, bounds, default and doc.
 * It drives parsing, `revmine check` and the README's field reference (`revmine check
 * --fields`), so a field cannot exist in one place and not the others (Redis's
 * static_configs[]). Every error names file, line and field. Scalars may use ${VAR} and
 * ${VAR:-default} to take values from the environment. */
#ifndef RM_CONFIG_H
#define RM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/diag.h"
#include "core/err.h"

typedef struct rm_strlist {
    char **v;
    size_t n;
} rm_strlist;

typedef struct rm_patterns {
    char **src;          /* pattern text as written */
    pcre2_code **re;     /* compiled, same order */
    size_t n;
} rm_patterns;

typedef struct rm_priority_rule {
    pcre2_code *re;
    char *src;
    int priority;
} rm_priority_rule;

typedef struct rm_job {
    char *name;
    int line;                      /* where the job starts in the file */
    rm_strlist seeds;
    bool sitemaps;                 /* seed from robots.txt Sitemap: lines */
    rm_strlist sitemap_urls;       /* extra sitemap URLs */
    rm_strlist allow_hosts;        /* host or host:port; empty = the seeds' hosts */
    rm_patterns follow_allow;      /* a link is followed when it matches one of these ... */
    rm_patterns follow_deny;       /* ... and none of these */
    rm_strlist strip_params;       /* query parameters removed (utm_* style prefixes) */
    rm_strlist rules;              /* site rule files, absolute or relative to the config */
    rm_priority_rule *priorities;
    size_t n_priorities;
    int64_t max_pages;             /* per run; 0 = no limit */
    int64_t max_depth;
    int64_t max_url_length;
    int64_t max_body;              /* bytes */
    char *user_agent;
    bool obey_robots;
    int64_t concurrency;           /* connections in flight, all hosts */
    int64_t per_host;              /* connections in flight per host */
    int64_t delay_ms;              /* minimum gap between request starts to one host */
    int64_t robots_ttl_ms;
    int64_t timeout_ms;
    int64_t connect_timeout_ms;
    int64_t low_speed_bytes;       /* abort below this many bytes/s ... */
    int64_t low_speed_ms;          /* ... sustained for this long */
    int64_t retries;
    int64_t backoff_ms;            /* first retry delay; doubles each time, with jitter */
    int64_t max_redirects;
    bool allow_private;            /* connect to loopback/private addresses (demo, tests) */
    int64_t workers;               /* 0 = one per core */
    bool cache_pages;              /* keep compressed bodies in the pages table */
    int64_t keep_pages_ms;         /* retention of cached bodies; 0 = forever */
    int64_t keep_profiles_ms;      /* retention of unseen profiles; 0 = forever */
    char *schedule_cron;           /* cron expression or @daily..., NULL = none */
    int64_t schedule_every_ms;     /* interval schedule; 0 = none */
    char *timezone;
    int64_t jitter_ms;
} rm_job;

typedef struct rm_config {
    char *path;   /* as given */
    char *dir;    /* directory of path, for relative rule files */
    rm_job *jobs;
    size_t n_jobs;
} rm_config;

/* Parses the YAML file at path. On RM_ECONFIG or RM_EIO the problems are in diag and *out is
 * NULL. Returns a new config; free with rm_config_free(). */
RM_MUST_CHECK rm_err rm_config_load(const char *path, rm_diag *diag, rm_config **out);
/* The same from memory; name is used in messages. */
RM_MUST_CHECK rm_err rm_config_parse(const char *name, const char *text, size_t len,
                                     rm_diag *diag, rm_config **out);
void rm_config_free(rm_config *cfg); /* NULL is fine */
/* Returns the job called name, or NULL. */
const rm_job *rm_config_job(const rm_config *cfg, const char *name);
/* True when url matches the job's follow rules (allow list empty = allow all). */
bool rm_job_follows(const rm_job *job, const char *url, size_t len);
/* Priority of url from the job's priority rules (first match), else def. */
int rm_job_priority(const rm_job *job, const char *url, size_t len, int def);

/* Writes the field reference as a Markdown table (field, type, default, meaning). */
void rm_config_write_fields(FILE *out);

#endif
