/*
 * incident_priv.h - what incident.c, run.c and record.c share: one
 * incident loaded for work (its journal record, its playbook snapshot, the
 * render environment, its coupon pools), how recipients are kept in the
 * journal, and the audit record of an incident.
 */
#ifndef TOCSIN_INCIDENT_PRIV_H
#define TOCSIN_INCIDENT_PRIV_H

#include "tocsin/incident.h"
#include "tocsin/render.h"
#include "tocsin/route.h"

struct inc_rt {
    struct tocsin_ctx *c;
    struct tocsin_incident_rec *rec;
    struct tocsin_playbook *pb;
    struct tocsin_render_env env;
    json_t *coupons; /* compensation name -> array of codes */
};

/* Load incident 'id' for work: the record and the playbook snapshot with
 * its params. */
int tocsin_rt_load(struct inc_rt *rt, struct tocsin_ctx *c, const char *id,
                   struct tocsin_error *err);
void tocsin_rt_cleanup(struct inc_rt *rt);

/* A recipient as kept in the journal: a JSON object of its columns. The
 * view points into 'j' (which the caller frees). */
struct rcpt {
    json_t *j;
    const char *id, *email, *phone, *locale, *tz, *channels;
};
int tocsin_rcpt_parse(struct rcpt *r, const char *data, size_t len);
void tocsin_rcpt_cleanup(struct rcpt *r);

/* The wave of occurrence 'o', or NULL (an 'update' occurrence). */
const struct tocsin_wave *tocsin_rt_wave(const struct inc_rt *rt,
                                         const char *name);

/* Enqueue every message of a new occurrence of wave 'w': the routed
 * recipients (from the journal, in file order) and the broadcasts. Part of
 * the caller's transaction. '*n' gets the count. */
int tocsin_rt_enqueue(size_t *n, struct inc_rt *rt,
                      const struct tocsin_wave *w, int64_t occ,
                      int64_t due_at, struct tocsin_error *err);

/* The broadcast messages of an occurrence: one per channel, and for social
 * and status one per brand language the template has. */
int tocsin_rt_enqueue_broadcasts(size_t *n, struct inc_rt *rt,
                                 const struct tocsin_wave *w,
                                 const char *template_name,
                                 const char *const *channels,
                                 size_t n_channels, int64_t occ,
                                 int64_t due_at, enum tocsin_mstate state,
                                 struct tocsin_error *err);

/* The language a broadcast message rid (-1, -2, ...) is in, or NULL for
 * all of them (the banner). Borrowed. */
const char *tocsin_rt_broadcast_locale(const struct inc_rt *rt,
                                       const char *template_name,
                                       const char *channel, int64_t rid);

/* Render message 'm' into 'out' as it is sent. */
int tocsin_rt_render(struct tocsin_message *out, struct inc_rt *rt,
                     const struct tocsin_msg *m, const struct tocsin_occ *o,
                     const struct rcpt *who, struct tocsin_error *err);

/* ----- the audit record (record.c) ------------------------------------- */

/* Commit action 'action' of the incident with the given subject, the
 * refreshed incident.json, and (with 'with_results') summary.json and
 * receipts.tsv; extra files and trailers may be added. The tip is recorded
 * in the journal. */
struct rec_file {
    char *path;
    char *data;
    size_t len;
};
int tocsin_record(struct inc_rt *rt, const char *action, const char *wave,
                  const struct tocsin_actor *a, int64_t when,
                  const char *subject, const char *body, int with_results,
                  struct rec_file *extra, size_t n_extra,
                  const struct tocsin_trailer *trailers, size_t n_trailers,
                  char out[41], struct tocsin_error *err);

/* The files of a wave's start: every channel and language rendered for
 * the playbook's sample recipient. Appends to '*files'. */
void tocsin_record_wave_files(struct rec_file **files, size_t *n,
                              struct inc_rt *rt, const struct tocsin_occ *o,
                              const struct tocsin_wave *w);
void tocsin_rec_files_free(struct rec_file *files, size_t n);

/* "wave#n" */
void tocsin_occ_label(char out[160], const struct tocsin_occ *o);

/* The summary line of an occurrence: "email 4700 sent, sms 3941 sent 9
 * failed". */
int tocsin_occ_summary(struct tocsin_buf *out, struct inc_rt *rt,
                       int64_t occ, struct tocsin_error *err);

#endif
