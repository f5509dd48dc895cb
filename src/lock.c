/*
 * lock.c - per-incident run locks with flock(2). The holder's pid is
 * written into the file so the refusal can say who holds it.
 */
#include "tocsin/lock.h"
#include "tocsin/buf.h"
#include "tocsin/mem.h"
#include "tocsin/workspace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct tocsin_lock {
    int fd;
};

int tocsin_lock_incident(struct tocsin_lock **out, const char *state_dir,
                         const char *incident, struct tocsin_error *err)
{
    struct tocsin_buf dir = TOCSIN_BUF_INIT(0), path = TOCSIN_BUF_INIT(0);
    char pid[32];
    int fd = -1, rc = 0;

    tocsin_buf_addf(&dir, "%s/locks", state_dir);
    tocsin_buf_addf(&path, "%s/%s.lock", dir.ptr, incident);
    if ((rc = tocsin_mkdirs(dir.ptr, 0700, err)))
        goto out;
    fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path.ptr, 0,
                              "cannot open the lock: %s", strerror(errno));
        goto out;
    }
    if (flock(fd, LOCK_EX | LOCK_NB)) {
        ssize_t n = read(fd, pid, sizeof pid - 1);

        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        rc = tocsin_error_set(err, TOCSIN_EBUSY, NULL, 0,
                              "incident %s is being run by another tocsin%s%s%s",
                              incident, pid[0] ? " (pid " : "", pid,
                              pid[0] ? ")" : "");
        goto out;
    }
    tocsin_format(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) || pwrite(fd, pid, strlen(pid), 0) < 0) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path.ptr, 0,
                              "cannot write the lock: %s", strerror(errno));
        goto out;
    }
    *out = tocsin_xcalloc(1, sizeof **out);
    (*out)->fd = fd;
    fd = -1;
out:
    if (fd >= 0)
        close(fd);
    tocsin_buf_cleanup(&dir);
    tocsin_buf_cleanup(&path);
    return rc;
}

void tocsin_lock_release(struct tocsin_lock *l)
{
    if (!l)
        return;
    close(l->fd);
    free(l);
}
