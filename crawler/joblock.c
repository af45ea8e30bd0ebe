#include "core/rm.h"
#include "core/hash.h"
#include "crawler/joblock.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

struct rm_joblock {
    int fd;
};

/* A byte per job name; 62 bits leave room below off_t's limit, and two names sharing a byte
 * (1 in 2^62) would only make them wait for each other. */
static off_t job_offset(const char *job)
{
    return (off_t)(rm_hash64_fast(job, strlen(job)) >> 2);
}

rm_err rm_joblock_take(const char *db_path, const char *job, rm_joblock **out)
{
    rm_buf path;
    struct flock fl;
    int fd, saved;

    *out = NULL;
    rm_buf_init(&path, 8192);
    if (rm_buf_addf(&path, "%s-lock", db_path)) {
        rm_buf_release(&path);
        return RM_ETOOBIG;
    }
    fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    saved = errno;
    rm_buf_release(&path);
    if (fd < 0) {
        errno = saved;
        return RM_EIO;
    }
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = job_offset(job);
    fl.l_len = 1;
    if (fcntl(fd, F_OFD_SETLK, &fl) != 0) {
        saved = errno;
        close(fd);
        errno = saved;
        return saved == EAGAIN || saved == EACCES ? RM_EBUSY : RM_EIO;
    }
    *out = rm_xcalloc(1, sizeof(**out));
    (*out)->fd = fd;
    return RM_OK;
}

void rm_joblock_release(rm_joblock *l)
{
    if (!l)
        return;
    close(l->fd); /* closing the description drops its OFD locks */
    free(l);
}
