#include "core/rm.h"
#include "crawler/cron.h"
#include "crawler/sched.h"
#include "crawler/tz.h"

typedef struct entry {
    char *name;
    char *spec;       /* for status displays */
    rm_cron cron;
    rm_tz *tz;        /* NULL for interval schedules, which ignore zones */
    uint32_t jitter;  /* seconds added to every slot */
    time_t anchor;    /* last start, or when the scheduler was built */
    bool unfinished;  /* the last run did not end: due at once */
    time_t slot;      /* first slot after anchor - jitter; RM_SCHED_NEVER when none */
    uint64_t seq;     /* order of the last start (0: none here), for fair ties */
} entry;

struct rm_sched {
    entry *v;
    size_t n;
    uint64_t starts;  /* rm_sched_started() calls so far */
};

/* The slot is searched after anchor - jitter, so a run that started late within its jitter
 * window still counts for its own slot, not the next one. */
static void recompute(entry *e)
{
    time_t t;
    if (rm_cron_next_in(&e->cron, e->anchor - (time_t)e->jitter, e->tz, &t) != RM_OK)
        t = RM_SCHED_NEVER;
    e->slot = t;
}

static char *describe(const rm_job *j, const entry *e)
{
    rm_buf b;
    rm_buf_init(&b, 512);
    if (j->schedule_cron)
        rm_buf_addf(&b, "%s %s", j->schedule_cron, j->timezone ? j->timezone : "UTC");
    else
        rm_buf_addf(&b, "every %lld s", (long long)e->cron.every);
    if (j->jitter_ms >= 1000)
        rm_buf_addf(&b, ", jitter %lld s", (long long)(j->jitter_ms / 1000));
    return rm_buf_detach(&b, NULL);
}

static rm_err add_job(rm_sched *s, const rm_config *cfg, const rm_job *j, time_t now,
                      rm_diag *d)
{
    entry *e = &s->v[s->n];
    char why[160];
    rm_err err;

    memset(e, 0, sizeof(*e));
    if (j->schedule_cron) {
        if (rm_cron_parse(j->schedule_cron, &e->cron, why, sizeof(why)) != RM_OK) {
            rm_diag_add(d, cfg->path, j->line, "schedule.cron", "%s", why);
            return RM_ECONFIG;
        }
        if ((err = rm_tz_load(j->timezone, &e->tz)) != RM_OK) {
            rm_diag_add(d, cfg->path, j->line, "schedule.timezone", "%s: %s",
                        j->timezone ? j->timezone : "UTC", rm_err_str(err));
            return RM_ECONFIG;
        }
    } else {
        /* Interval slots are whole seconds since the epoch; a sub-second interval is one. */
        e->cron.every = RM_MAX((j->schedule_every_ms + 999) / 1000, 1);
    }
    e->name = rm_xstrdup(j->name);
    e->spec = describe(j, e);
    e->jitter = rm_cron_jitter(j->name, (uint32_t)(j->jitter_ms / 1000));
    e->anchor = now;
    recompute(e);
    s->n++;
    return RM_OK;
}

rm_err rm_sched_new(const rm_config *cfg, time_t now, rm_diag *d, rm_sched **out)
{
    rm_sched *s = rm_xcalloc(1, sizeof(*s));
    rm_err err = RM_OK;

    *out = NULL;
    s->v = rm_xcalloc(cfg->n_jobs ? cfg->n_jobs : 1, sizeof(entry));
    for (size_t i = 0; i < cfg->n_jobs; i++) {
        const rm_job *j = &cfg->jobs[i];
        rm_err e2;
        if (!j->schedule_cron && j->schedule_every_ms <= 0)
            continue;
        /* A failed entry holds nothing; keep going so every problem is reported. */
        if ((e2 = add_job(s, cfg, j, now, d)) != RM_OK)
            err = e2;
    }
    if (err) {
        rm_sched_free(s);
        return err;
    }
    *out = s;
    return RM_OK;
}

void rm_sched_free(rm_sched *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].name);
        free(s->v[i].spec);
        rm_tz_free(s->v[i].tz);
    }
    free(s->v);
    free(s);
}

size_t rm_sched_count(const rm_sched *s)
{
    return s->n;
}

const char *rm_sched_name(const rm_sched *s, size_t i)
{
    return s->v[i].name;
}

const char *rm_sched_spec(const rm_sched *s, size_t i)
{
    return s->v[i].spec;
}

size_t rm_sched_find(const rm_sched *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].name, name))
            return i;
    return RM_SCHED_NONE;
}

void rm_sched_set_history(rm_sched *s, size_t i, time_t last_start, bool unfinished)
{
    entry *e = &s->v[i];
    if (last_start > 0)
        e->anchor = last_start;
    e->unfinished = unfinished;
    recompute(e);
}

void rm_sched_inherit(rm_sched *s, const rm_sched *old)
{
    for (size_t i = 0; i < s->n; i++) {
        size_t k = rm_sched_find(old, s->v[i].name);
        if (k == RM_SCHED_NONE)
            continue;
        s->v[i].anchor = old->v[k].anchor;
        s->v[i].unfinished = old->v[k].unfinished;
        s->v[i].seq = old->v[k].seq;
        recompute(&s->v[i]);
    }
    s->starts = RM_MAX(s->starts, old->starts);
}

time_t rm_sched_due(const rm_sched *s, size_t i)
{
    const entry *e = &s->v[i];
    if (e->unfinished)
        return 0;
    if (e->slot == RM_SCHED_NEVER)
        return RM_SCHED_NEVER;
    return e->slot + (time_t)e->jitter;
}

void rm_sched_started(rm_sched *s, size_t i, time_t now)
{
    entry *e = &s->v[i];
    e->anchor = now;
    e->unfinished = false;
    e->seq = ++s->starts;
    recompute(e);
}

size_t rm_sched_pick(const rm_sched *s, time_t now, const bool *busy)
{
    size_t best = RM_SCHED_NONE;
    for (size_t i = 0; i < s->n; i++) {
        time_t due = rm_sched_due(s, i);
        if ((busy && busy[i]) || due > now)
            continue;
        if (best == RM_SCHED_NONE || due < rm_sched_due(s, best) ||
            (due == rm_sched_due(s, best) && s->v[i].seq < s->v[best].seq))
            best = i;
    }
    return best;
}

uint32_t rm_sched_jitter(const rm_sched *s, size_t i)
{
    return s->v[i].jitter;
}
