/* rm_joblock: one run of a job at a time, across processes.
 *
 * Thread-safety: a lock belongs to the run that took it; different jobs lock independently
 * from any thread (the daemon runs several at once).
 *
 * Two `revmine crawl` of the same job on the same database (or a crawl beside the daemon's
 * scheduled run) would lease the same frontier rows in two processes and fetch everything
 * twice. The lock is an open-file-description lock (F_OFD_SETLK) on one byte of
 * "<database>-lock", at an offset given by the job's name: the kernel drops it when the run
 * closes it or the process dies, kill -9 included, so a crashed run never leaves it held. */
#ifndef RM_JOBLOCK_H
#define RM_JOBLOCK_H

#include "core/rm.h"

typedef struct rm_joblock rm_joblock;

/* Takes the job's lock without waiting: RM_EBUSY when another run holds it, RM_EIO when the
 * lock file cannot be opened (errno kept). */
RM_MUST_CHECK rm_err rm_joblock_take(const char *db_path, const char *job, rm_joblock **out);
void rm_joblock_release(rm_joblock *l); /* NULL is fine */

#endif
