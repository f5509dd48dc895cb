/*
 * outdir.c - the outbox directory, the embedded default for every channel
 * the config does not define: a fresh workspace runs a whole incident with
 * no server at all, and what "was sent" can be read with ls and jq.
 *
 * Email follows the Maildir protocol (write in tmp/, fsync, rename into
 * new/) with the idempotency key as the file name, so a retried message
 * never appears twice. Other channels append one JSON line per message;
 * their writes become durable at tocsin_outdir_flush(), which the run loop
 * calls before it records a batch as sent.
 */
#include "tocsin/deliver.h"
#include "tocsin/digest.h"
#include "tocsin/hashset.h"
#include "tocsin/mail.h"
#include "tocsin/mem.h"
#include "tocsin/workspace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#define MAX_FILES 32

struct jsonl {
    char *channel;
    int fd;
    int dirty;
    struct tocsin_hashset keys; /* loaded on the first recovery lookup */
    int keys_loaded;
};

struct tocsin_outdir {
    char *root;             /* .tocsin/outbox */
    struct jsonl files[MAX_FILES];
    size_t n_files;
    int email_dirty;
};

void tocsin_message_sha256(char out[65], const struct tocsin_message *m)
{
    struct tocsin_buf all = TOCSIN_BUF_INIT(0);

    tocsin_buf_add(&all, m->subject.ptr, m->subject.len);
    tocsin_buf_addc(&all, '\0');
    tocsin_buf_add(&all, m->body.ptr, m->body.len);
    tocsin_buf_addc(&all, '\0');
    tocsin_buf_add(&all, m->html.ptr, m->html.len);
    tocsin_sha256_hex(out, all.ptr, all.len);
    tocsin_buf_cleanup(&all);
}

static char *path2(const char *a, const char *b, const char *c)
{
    struct tocsin_buf p = TOCSIN_BUF_INIT(0);

    tocsin_buf_addf(&p, "%s/%s", a, b);
    if (c)
        tocsin_buf_addf(&p, "/%s", c);
    return tocsin_buf_detach(&p, NULL);
}

int tocsin_outdir_open(struct tocsin_outdir **out, const char *state_dir,
                       struct tocsin_error *err)
{
    struct tocsin_outdir *o = tocsin_xcalloc(1, sizeof *o);
    int rc;

    o->root = path2(state_dir, "outbox", NULL);
    if ((rc = tocsin_mkdirs(o->root, 0700, err))) {
        tocsin_outdir_free(o);
        return rc;
    }
    *out = o;
    return 0;
}

void tocsin_outdir_free(struct tocsin_outdir *o)
{
    size_t i;

    if (!o)
        return;
    for (i = 0; i < o->n_files; i++) {
        if (o->files[i].fd >= 0)
            close(o->files[i].fd);
        free(o->files[i].channel);
        tocsin_hashset_cleanup(&o->files[i].keys);
    }
    free(o->root);
    free(o);
}

/* A key as a file name: Maildir reserves ':' and '/' is a separator. */
static void key_name(struct tocsin_buf *out, const char *key)
{
    const char *p;

    for (p = key; *p; p++)
        tocsin_buf_addc(out, (*p == '/' || *p == ':' || *p == '\\' ||
                              (unsigned char)*p < 0x20) ? '_' : *p);
    tocsin_buf_adds(out, ".tocsin");
}

static int fsync_dir(const char *dir, struct tocsin_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;

    if (fd < 0 || fsync(fd))
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, dir, 0,
                              "cannot sync the outbox: %s", strerror(errno));
    if (fd >= 0)
        close(fd);
    return rc;
}

static int send_email(struct tocsin_outdir *o, const struct tocsin_send *s,
                      struct tocsin_send_result *r, struct tocsin_error *err)
{
    struct tocsin_buf name = TOCSIN_BUF_INIT(0), mid = TOCSIN_BUF_INIT(0);
    struct tocsin_buf msg = TOCSIN_BUF_INIT(0);
    char *dir = path2(o->root, "email", NULL);
    char *tmp = NULL, *fin = NULL, *tmpdir = NULL, *newdir = NULL;
    char domain[128];
    struct tocsin_mail m;
    struct stat st;
    int rc;

    tmpdir = path2(dir, "tmp", NULL);
    newdir = path2(dir, "new", NULL);
    {
        char *cur = path2(dir, "cur", NULL);

        rc = tocsin_mkdirs(tmpdir, 0700, err);
        if (!rc)
            rc = tocsin_mkdirs(newdir, 0700, err);
        if (!rc)
            rc = tocsin_mkdirs(cur, 0700, err);
        free(cur);
    }
    if (rc)
        goto out;
    key_name(&name, s->key);
    tmp = path2(tmpdir, name.ptr, NULL);
    fin = path2(newdir, name.ptr, NULL);
    r->state = TOCSIN_SEND_SENT;
    tocsin_format(r->ref, sizeof r->ref, "outbox/email/new/%s", name.ptr);
    if (stat(fin, &st) == 0)
        goto out; /* delivered before a crash: never twice */
    tocsin_mail_domain(domain, sizeof domain, s->from);
    tocsin_buf_addf(&mid, "<%s@%s>", s->key, domain);
    memset(&m, 0, sizeof m);
    m.from = s->from && *s->from ? s->from : "tocsin <tocsin@localhost>";
    m.to = s->to;
    m.subject = s->msg->subject.ptr;
    m.text = s->msg->body.ptr;
    m.html = s->msg->html.len ? s->msg->html.ptr : NULL;
    m.message_id = mid.ptr;
    m.date = s->now;
    if (tocsin_mail_compose(&msg, &m, err)) {
        r->state = TOCSIN_SEND_FAILED;
        tocsin_format(r->error, sizeof r->error, "cannot compose: %s", err->msg);
        tocsin_error_clear(err);
        goto out;
    }
    if ((rc = tocsin_write_atomic(tmp, msg.ptr, msg.len, 0600, err)))
        goto out;
    if (rename(tmp, fin)) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, fin, 0,
                              "cannot deliver to the outbox: %s",
                              strerror(errno));
        unlink(tmp);
        goto out;
    }
    o->email_dirty = 1;
out:
    free(dir);
    free(tmp);
    free(fin);
    free(tmpdir);
    free(newdir);
    tocsin_buf_cleanup(&name);
    tocsin_buf_cleanup(&mid);
    tocsin_buf_cleanup(&msg);
    return rc;
}

static struct jsonl *jsonl_get(struct tocsin_outdir *o, const char *channel,
                               int create, struct tocsin_error *err)
{
    struct jsonl *f;
    char *dir, *file;
    size_t i;

    for (i = 0; i < o->n_files; i++)
        if (!strcmp(o->files[i].channel, channel))
            return &o->files[i];
    if (o->n_files == MAX_FILES) {
        tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                         "too many outbox channels (at most %d)", MAX_FILES);
        return NULL;
    }
    dir = path2(o->root, channel, NULL);
    file = path2(dir, "messages.jsonl", NULL);
    f = &o->files[o->n_files];
    memset(f, 0, sizeof *f);
    f->fd = -1;
    if (create && tocsin_mkdirs(dir, 0700, err)) {
        f = NULL;
        goto out;
    }
    f->fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0),
                 0600);
    if (f->fd < 0 && (create || errno != ENOENT)) {
        tocsin_error_set(err, TOCSIN_ERUNTIME, file, 0,
                         "cannot open the outbox: %s", strerror(errno));
        f = NULL;
        goto out;
    }
    f->channel = tocsin_xstrdup(channel);
    o->n_files++;
out:
    free(dir);
    free(file);
    return f;
}

static int send_line(struct tocsin_outdir *o, const struct tocsin_send *s,
                     struct tocsin_send_result *r, struct tocsin_error *err)
{
    struct jsonl *f = jsonl_get(o, s->channel, 1, err);
    json_t *j;
    char *line;
    size_t len, done = 0;
    off_t start;
    int rc = 0;

    if (!f)
        return err->code;
    if (f->fd < 0) {
        /* looked up for recovery before the file existed: create it now */
        char *dir = path2(o->root, s->channel, NULL);
        char *file = path2(dir, "messages.jsonl", NULL);

        if (!(rc = tocsin_mkdirs(dir, 0700, err))) {
            f->fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                         0600);
            if (f->fd < 0)
                rc = tocsin_error_set(err, TOCSIN_ERUNTIME, file, 0,
                                      "cannot open the outbox: %s",
                                      strerror(errno));
        }
        free(dir);
        free(file);
        if (rc)
            return rc;
    }
    j = json_object();
    json_object_set_new(j, "key", json_string(s->key));
    json_object_set_new(j, "incident", json_string(s->incident));
    json_object_set_new(j, "wave", json_string(s->wave));
    json_object_set_new(j, "channel", json_string(s->channel));
    json_object_set_new(j, "locale", json_string(s->msg->locale));
    json_object_set_new(j, "to", s->to ? json_string(s->to) : json_null());
    if (s->recipient)
        json_object_set_new(j, "recipient", json_string(s->recipient));
    if (s->msg->subject.len)
        json_object_set_new(j, "subject", json_string(s->msg->subject.ptr));
    json_object_set_new(j, "body", json_string(s->msg->body.ptr));
    if (s->msg->html.len)
        json_object_set_new(j, "html", json_string(s->msg->html.ptr));
    {
        struct tocsin_buf ts = TOCSIN_BUF_INIT(64);

        tocsin_mail_date(&ts, s->now);
        json_object_set_new(j, "date", json_string(ts.ptr));
        tocsin_buf_cleanup(&ts);
    }
    line = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!line) {
        r->state = TOCSIN_SEND_FAILED;
        tocsin_format(r->error, sizeof r->error, "message is not valid UTF-8");
        return 0;
    }
    len = strlen(line);
    line[len++] = '\n'; /* json_dumps leaves room: replace the NUL */
    start = lseek(f->fd, 0, SEEK_END);
    while (done < len) {
        ssize_t n = write(f->fd, line + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                  "cannot write the %s outbox: %s",
                                  s->channel,
                                  n < 0 ? strerror(errno) : "short write");
            /* a torn line must not be mistaken for a message: cut it */
            if (start >= 0 && ftruncate(f->fd, start))
                rc = TOCSIN_ERUNTIME;
            break;
        }
        done += (size_t)n;
    }
    free(line);
    if (rc)
        return rc;
    f->dirty = 1;
    if (f->keys_loaded)
        tocsin_hashset_add(&f->keys, tocsin_hash64(s->key, strlen(s->key), 0));
    r->state = TOCSIN_SEND_SENT;
    tocsin_format(r->ref, sizeof r->ref, "outbox/%s/messages.jsonl", s->channel);
    return 0;
}

int tocsin_outdir_send(struct tocsin_outdir *o, const struct tocsin_send *s,
                       struct tocsin_send_result *r, struct tocsin_error *err)
{
    memset(r, 0, sizeof *r);
    if (!strcmp(s->channel, "email") && s->to)
        return send_email(o, s, r, err);
    return send_line(o, s, r, err);
}

int tocsin_outdir_flush(struct tocsin_outdir *o, struct tocsin_error *err)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < o->n_files && !rc; i++) {
        struct jsonl *f = &o->files[i];

        if (!f->dirty)
            continue;
        if (fsync(f->fd))
            rc = tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                  "cannot sync the %s outbox: %s",
                                  f->channel, strerror(errno));
        f->dirty = 0;
    }
    if (!rc && o->email_dirty) {
        char *d = path2(o->root, "email", "new");

        rc = fsync_dir(d, err);
        free(d);
        o->email_dirty = 0;
    }
    return rc;
}

/* Read every key of a channel's JSON lines into its set, once. A torn last
 * line (a crash mid-write) does not parse and does not count. */
static int load_keys(struct jsonl *f, const char *root,
                     struct tocsin_error *err)
{
    char *file = path2(root, f->channel, "messages.jsonl");
    FILE *in = fopen(file, "rb");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    f->keys_loaded = 1;
    if (!in) {
        int e = errno;

        free(file);
        if (e == ENOENT)
            return 0;
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "cannot read the %s outbox: %s", f->channel,
                                strerror(e));
    }
    while ((n = getline(&line, &cap, in)) > 0) {
        json_t *j;
        const char *k;

        if (line[n - 1] != '\n')
            break;
        j = json_loadb(line, (size_t)n, 0, NULL);
        k = json_string_value(json_object_get(j, "key"));
        if (k)
            tocsin_hashset_add(&f->keys, tocsin_hash64(k, strlen(k), 0));
        json_decref(j);
    }
    free(line);
    fclose(in);
    free(file);
    return 0;
}

int tocsin_outdir_delivered(int *yes, struct tocsin_outdir *o,
                            const char *channel, const char *key,
                            struct tocsin_error *err)
{
    struct jsonl *f;
    int rc;

    *yes = 0;
    if (!strcmp(channel, "email")) {
        struct tocsin_buf name = TOCSIN_BUF_INIT(0);
        char *fin;
        struct stat st;

        key_name(&name, key);
        fin = path2(o->root, "email/new", name.ptr);
        *yes = stat(fin, &st) == 0;
        free(fin);
        tocsin_buf_cleanup(&name);
        if (*yes)
            return 0;
        /* an email without an address went to the JSON lines */
    }
    if (!(f = jsonl_get(o, channel, 0, err)))
        return err->code;
    if (!f->keys_loaded && (rc = load_keys(f, o->root, err)))
        return rc;
    *yes = tocsin_hashset_has(&f->keys, tocsin_hash64(key, strlen(key), 0));
    return 0;
}

int tocsin_banner_write(const char *path, const char *html, size_t len,
                        struct tocsin_error *err)
{
    return tocsin_write_atomic(path, html, len, 0644, err);
}
