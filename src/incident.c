/*
 * incident.c - opening an incident, and the commands that move it:
 * approve, signal, update, resolve, close, reconcile; status and list.
 *
 * The rule everywhere: the journal changes and the audit commit go
 * together. A command prepares its journal transaction, makes the audit
 * commit, then commits the journal; when the audit commit fails the journal
 * is rolled back and nothing happened.
 */
#include "incident_priv.h"
#include "tocsin/audience.h"
#include "tocsin/clock.h"
#include "tocsin/digest.h"
#include "tocsin/dispatch.h"
#include "tocsin/mem.h"
#include "tocsin/plan.h"
#include "tocsin/sanitize.h"

#include <errno.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ----- workspace context ----------------------------------------------- */

int tocsin_ctx_open(struct tocsin_ctx **out, const char *dir,
                    struct tocsin_diags *diags, struct tocsin_error *err)
{
    struct tocsin_ctx *c = tocsin_xcalloc(1, sizeof *c);
    struct tocsin_buf path = TOCSIN_BUF_INIT(0);
    int rc;

    if ((rc = tocsin_workspace_open(&c->ws, dir, err)))
        goto fail;
    rc = tocsin_config_load(&c->cfg, c->ws->config_path, diags, err);
    if (rc) {
        if (rc == TOCSIN_EINPUT && !err->code)
            tocsin_error_set(err, TOCSIN_EINPUT, c->ws->config_path, 0,
                             "the workspace config has errors");
        goto fail;
    }
    tocsin_audit_set_fsync(c->cfg->audit_fsync);
    tocsin_buf_addf(&path, "%s/journal.db", c->ws->state_dir);
    if ((rc = tocsin_mkdirs(c->ws->state_dir, 0700, err)) ||
        (rc = tocsin_journal_open(&c->j, path.ptr, err)) ||
        (rc = tocsin_outbox_sqlite(&c->ob, c->j, err)) ||
        (rc = tocsin_audit_open(&c->audit, c->ws->root, c->cfg->committer,
                                err)) ||
        (rc = tocsin_workspace_secret(c->secret, c->ws, err)))
        goto fail;
    tocsin_buf_cleanup(&path);
    *out = c;
    return 0;
fail:
    tocsin_buf_cleanup(&path);
    tocsin_ctx_free(c);
    return rc;
}

void tocsin_ctx_free(struct tocsin_ctx *c)
{
    if (!c)
        return;
    if (c->ob)
        c->ob->ops->free(c->ob);
    tocsin_journal_free(c->j);
    tocsin_audit_free(c->audit);
    tocsin_config_free(c->cfg);
    tocsin_workspace_free(c->ws);
    memset(c->secret, 0, sizeof c->secret);
    free(c);
}

int tocsin_actor_resolve(struct tocsin_actor *out, const char *as,
                         const struct tocsin_ctx *c, struct tocsin_error *err)
{
    memset(out, 0, sizeof *out);
    if (as && *as) {
        const char *lt = strrchr(as, '<'), *gt = lt ? strchr(lt, '>') : NULL;

        if (lt && gt && gt > lt + 1) {
            const char *e = lt;

            while (e > as && e[-1] == ' ')
                e--;
            tocsin_format(out->name, sizeof out->name, "%.*s",
                          (int)(e - as), as);
            tocsin_format(out->email, sizeof out->email, "%.*s",
                          (int)(gt - lt - 1), lt + 1);
        } else {
            tocsin_format(out->name, sizeof out->name, "%s", as);
            tocsin_format(out->email, sizeof out->email, "%s",
                          strchr(as, '@') ? as : "");
        }
        if (!out->name[0])
            tocsin_format(out->name, sizeof out->name, "%s", out->email);
        return 0;
    }
    if (c && c->audit &&
        !tocsin_audit_identity(c->audit, out->name, out->email))
        return 0;
    tocsin_error_set(err, TOCSIN_EUSAGE, NULL, 0,
                     "who is acting? give --as \"Name <email>\"");
    tocsin_error_hint(err, "or set git's user.name and user.email");
    return TOCSIN_EUSAGE;
}

/* ----- one incident at work -------------------------------------------- */

static const char *nonempty(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));

    return v && *v ? v : NULL;
}

int tocsin_rcpt_parse(struct rcpt *r, const char *data, size_t len)
{
    memset(r, 0, sizeof *r);
    r->j = json_loadb(data, len, 0, NULL);
    if (!json_is_object(r->j))
        return -1;
    r->id = nonempty(r->j, "id");
    r->email = nonempty(r->j, "email");
    r->phone = nonempty(r->j, "phone");
    r->locale = nonempty(r->j, "locale");
    r->tz = nonempty(r->j, "tz");
    r->channels = nonempty(r->j, "channels");
    return 0;
}

void tocsin_rcpt_cleanup(struct rcpt *r)
{
    json_decref(r->j);
    memset(r, 0, sizeof *r);
}

int tocsin_rt_load(struct inc_rt *rt, struct tocsin_ctx *c, const char *id,
                   struct tocsin_error *err)
{
    struct tocsin_diags d = TOCSIN_DIAGS_INIT;
    struct tocsin_param_set *sets = NULL;
    struct tocsin_buf path = TOCSIN_BUF_INIT(0);
    json_t *params = NULL, *v;
    const char *k;
    size_t n = 0;
    char *coupons = NULL;
    int rc;

    memset(rt, 0, sizeof *rt);
    rt->c = c;
    if ((rc = tocsin_journal_incident_get(&rt->rec, c->j, id, err)))
        return rc;
    params = json_loads(rt->rec->params ? rt->rec->params : "{}", 0, NULL);
    sets = tocsin_xcalloc(json_object_size(params) + 1, sizeof *sets);
    json_object_foreach(params, k, v) if (json_is_string(v)) {
        sets[n].key = k;
        sets[n++].value = json_string_value(v);
    }
    tocsin_buf_addf(&path, "incidents/%s/playbook.lua", id);
    rc = tocsin_playbook_load_source(&rt->pb, path.ptr, rt->rec->snapshot,
                                     rt->rec->snapshot_len, c->cfg, sets, n,
                                     &d, err);
    /* the placeholders were checked against the audience at open */
    if (!rc && tocsin_render_compile(rt->pb, &d))
        rc = TOCSIN_EINPUT;
    if (rc) {
        if (d.n && !err->code)
            tocsin_error_set(err, TOCSIN_EINPUT, d.items[0].path,
                             d.items[0].line, "%s", d.items[0].msg);
        goto out;
    }
    tocsin_render_env_init(&rt->env, c->cfg, rt->pb, id);
    tocsin_render_env_set_time(&rt->env, "opened_at", rt->rec->opened_at);
    if ((rc = tocsin_journal_kv_get(&coupons, c->j, "coupons", id, err)))
        goto out;
    rt->coupons = coupons ? json_loads(coupons, 0, NULL) : json_object();
out:
    free(coupons);
    free(sets);
    json_decref(params);
    tocsin_buf_cleanup(&path);
    tocsin_diags_cleanup(&d);
    if (rc)
        tocsin_rt_cleanup(rt);
    return rc;
}

void tocsin_rt_cleanup(struct inc_rt *rt)
{
    if (rt->env.params)
        tocsin_render_env_cleanup(&rt->env);
    tocsin_playbook_free(rt->pb);
    tocsin_incident_rec_free(rt->rec);
    json_decref(rt->coupons);
    memset(rt, 0, sizeof *rt);
}

const struct tocsin_wave *tocsin_rt_wave(const struct inc_rt *rt,
                                         const char *name)
{
    return rt->pb ? tocsin_playbook_wave(rt->pb, name) : NULL;
}

/* The brand languages template 'tpl' has, in the brand's order. */
static size_t broadcast_locales(const char **out, size_t max,
                                const struct inc_rt *rt,
                                const struct tocsin_template_def *tpl)
{
    const struct tocsin_brand *b = &rt->c->cfg->brand;
    size_t i, k, n = 0;

    for (i = 0; i < b->n_locales && n < max; i++)
        for (k = 0; tpl && k < tpl->n_locales; k++)
            if (!strcmp(b->locales[i], tpl->locales[k].locale))
                out[n++] = b->locales[i];
    if (!n)
        out[n++] = b->n_locales ? b->locales[0] : "en";
    return n;
}

/* Does this broadcast channel carry one message per language? The banner
 * is one snippet holding them all; staff and other internal channels go in
 * the brand's first language. */
static int per_language(const char *channel)
{
    return !strcmp(channel, "social") || !strcmp(channel, "status");
}

const char *tocsin_rt_broadcast_locale(const struct inc_rt *rt,
                                       const char *template_name,
                                       const char *channel, int64_t rid)
{
    const struct tocsin_template_def *tpl =
        template_name ? tocsin_playbook_template(rt->pb, template_name)
                      : NULL;
    const char *locs[16];
    size_t n = broadcast_locales(locs, 16, rt, tpl);
    size_t i = (size_t)(-rid - 1);

    if (!strcmp(channel, "banner"))
        return NULL;
    return i < n ? locs[i] : locs[0];
}

int tocsin_rt_enqueue_broadcasts(size_t *n, struct inc_rt *rt,
                                 const struct tocsin_wave *w,
                                 const char *template_name,
                                 const char *const *channels,
                                 size_t n_channels, int64_t occ,
                                 int64_t due_at, enum tocsin_mstate state,
                                 struct tocsin_error *err)
{
    const struct tocsin_template_def *tpl =
        template_name ? tocsin_playbook_template(rt->pb, template_name)
                      : NULL;
    const char *locs[16];
    size_t nl = broadcast_locales(locs, 16, rt, tpl), i, k;
    int rc;

    (void)w;
    for (i = 0; i < n_channels; i++) {
        const char *ch = channels[i];
        size_t copies = per_language(ch) ? nl : 1;

        if (tocsin_channel_kind(rt->c->cfg, ch) != TOCSIN_CH_BROADCAST)
            continue;
        for (k = 0; k < copies; k++) {
            if ((rc = rt->c->ob->ops->enqueue(rt->c->ob, rt->rec->id, occ,
                                              -(int64_t)k - 1, NULL, ch,
                                              state, due_at, 0, -1, err)))
                return rc;
            (*n)++;
        }
    }
    return 0;
}

struct enq {
    struct inc_rt *rt;
    const struct tocsin_wave *w;
    struct tocsin_router router;
    int64_t occ, due_at;
    enum tocsin_mstate state;
    int coupons;             /* the wave hands out codes */
    int64_t next_coupon;
    size_t n;
    struct tocsin_error *err;
};

static int enqueue_row(void *payload, int64_t rid, const char *id,
                       uint64_t audiences, const char *data, size_t len)
{
    struct enq *q = payload;
    struct tocsin_route r;
    struct rcpt who;
    uint32_t dup;
    size_t k;
    int rc = 0, any = 0;

    if (tocsin_rcpt_parse(&who, data, len))
        return tocsin_error_set(q->err, TOCSIN_ERUNTIME, NULL, 0,
                                "journal: recipient %lld is unreadable",
                                (long long)rid);
    if (!tocsin_router_row(&q->router, &r, &dup, audiences, who.channels,
                           who.email, who.phone))
        goto out;
    for (k = 0; k < r.n && !rc; k++) {
        if (dup >> k & 1) {
            if (q->w->first)
                break;
            continue;
        }
        rc = q->rt->c->ob->ops->enqueue(
            q->rt->c->ob, q->rt->rec->id, q->occ, rid, id, r.channels[k],
            q->state, q->due_at, 0, q->coupons ? q->next_coupon : -1,
            q->err);
        q->n++;
        any = 1;
        if (q->w->first)
            break;
    }
    if (any && q->coupons)
        q->next_coupon++;
out:
    tocsin_rcpt_cleanup(&who);
    return rc;
}

int tocsin_rt_enqueue(size_t *n, struct inc_rt *rt,
                      const struct tocsin_wave *w, int64_t occ,
                      int64_t due_at, struct tocsin_error *err)
{
    struct enq q;
    int approved = 1, rc = 0;
    const struct tocsin_compensation *comp =
        w->compensation ? tocsin_playbook_compensation(rt->pb,
                                                       w->compensation)
                        : NULL;

    if (w->approval &&
        (rc = tocsin_journal_approved(&approved, rt->c->j, rt->rec->id,
                                      w->name, err)))
        return rc;
    memset(&q, 0, sizeof q);
    q.rt = rt;
    q.w = w;
    q.occ = occ;
    q.due_at = due_at;
    q.err = err;
    q.coupons = comp && comp->codes_path;
    q.state = (approved && strcmp(rt->rec->state, "draft"))
                  ? TOCSIN_M_PENDING : TOCSIN_M_HELD;
    if (tocsin_wave_has_recipients(rt->c->cfg, w)) {
        tocsin_router_init(&q.router, rt->c->cfg, w,
                           w->audience ? tocsin_playbook_audience_index(
                                             rt->pb, w->audience)
                                       : -1);
        rc = tocsin_journal_recipients(rt->c->j, rt->rec->id, enqueue_row,
                                       &q, err);
        tocsin_router_cleanup(&q.router);
    }
    if (!rc)
        rc = tocsin_rt_enqueue_broadcasts(
            &q.n, rt, w, w->template_name,
            (const char *const *)w->channels, w->n_channels, occ, due_at,
            q.state, err);
    *n = q.n;
    return rc;
}

int tocsin_rt_render(struct tocsin_message *out, struct inc_rt *rt,
                     const struct tocsin_msg *m, const struct tocsin_occ *o,
                     const struct rcpt *who, struct tocsin_error *err)
{
    const struct tocsin_wave *w = tocsin_rt_wave(rt, o->wave);
    const struct tocsin_template_def *tpl;
    struct tocsin_recipient_view view;
    json_t *extra = json_object();
    const char *loc = NULL;
    int rc;

    tocsin_message_init(out);
    if (!w) {
        /* an update: the commander's own words, on every channel */
        char *u = NULL;
        struct tocsin_buf key = TOCSIN_BUF_INIT(0);

        tocsin_buf_addf(&key, "%s#%d", rt->rec->id, o->seq);
        rc = tocsin_journal_kv_get(&u, rt->c->j, "update", key.ptr, err);
        tocsin_buf_cleanup(&key);
        if (!rc) {
            json_t *j = json_loads(u ? u : "{}", 0, NULL);
            const char *text = json_string_value(json_object_get(j,
                                                                 "message"));

            tocsin_buf_adds(&out->body, text ? text : "");
            tocsin_buf_addf(&out->subject, "%s: %s",
                            rt->c->cfg->brand.name,
                            rt->pb->title ? rt->pb->title : "update");
            if (!strcmp(m->channel, "banner") || !strcmp(m->channel, "email"))
                tocsin_html_escape(&out->html, text ? text : "",
                                   text ? strlen(text) : 0);
            tocsin_format(out->locale, sizeof out->locale, "%s",
                          rt->c->cfg->brand.n_locales
                              ? rt->c->cfg->brand.locales[0] : "en");
            json_decref(j);
        }
        free(u);
        json_decref(extra);
        return rc;
    }
    tpl = tocsin_playbook_template(rt->pb, w->template_name);
    if (!tpl) {
        json_decref(extra);
        return tocsin_error_set(err, TOCSIN_EINPUT, rt->pb->path, w->line,
                                "wave '%s' has no template", w->name);
    }
    if (w->compensation) {
        const struct tocsin_compensation *c =
            tocsin_playbook_compensation(rt->pb, w->compensation);

        if (c) {
            json_object_set_new(extra, "compensation_kind",
                                json_string(c->kind));
            if (c->amount)
                json_object_set_new(extra, "compensation_amount",
                                    json_string(c->amount));
            if (m->coupon >= 0) {
                json_t *pool = json_object_get(rt->coupons, c->name);
                json_t *code = json_array_get(pool, (size_t)m->coupon);

                if (!json_is_string(code)) {
                    json_decref(extra);
                    return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                            "coupon pool of '%s' ran out",
                                            c->name);
                }
                json_object_set(extra, "coupon_code", code);
            }
        }
    }
    tocsin_render_env_set_time(&rt->env, "next_update",
                               tocsin_plan_next_update(rt->c->cfg, rt->pb,
                                                       rt->rec->opened_at,
                                                       o->due_at));
    memset(&view, 0, sizeof view);
    if (who && who->j) {
        view.scope.json = who->j;
        view.locale = who->locale;
        view.tz = who->tz;
    }
    if (m->rid < 0)
        loc = tocsin_rt_broadcast_locale(rt, w->template_name, m->channel,
                                         m->rid);
    if (m->rid < 0 && !strcmp(m->channel, "banner")) {
        /* the banner: one snippet with every language, each marked */
        const char *locs[16];
        size_t n = broadcast_locales(locs, 16, rt, tpl), i;
        struct tocsin_message one;

        tocsin_message_init(&one);
        rc = 0;
        for (i = 0; i < n && !rc; i++) {
            rc = tocsin_render_message(&one, &rt->env, tpl, m->channel, NULL,
                                       locs[i], extra, err);
            if (!rc) {
                tocsin_buf_addf(&out->html, "<div class=\"tocsin-banner\" "
                                            "lang=\"%s\">", one.locale);
                tocsin_buf_add(&out->html, one.html.ptr, one.html.len);
                tocsin_buf_adds(&out->html, "</div>\n");
            }
        }
        tocsin_buf_add(&out->body, out->html.ptr, out->html.len);
        tocsin_format(out->locale, sizeof out->locale, "%s", "mul");
        tocsin_message_cleanup(&one);
    } else {
        rc = tocsin_render_message(out, &rt->env, tpl, m->channel,
                                   who && who->j ? &view : NULL, loc, extra,
                                   err);
    }
    json_decref(extra);
    return rc;
}

/* ----- open ------------------------------------------------------------ */

struct opening {
    struct tocsin_ctx *c;
    struct inc_rt rt;
    const struct tocsin_open_opts *o;
    struct tocsin_plan *plan;      /* after the pass: counts, findings */
    struct tocsin_header *hdr;
    size_t *keep;                  /* header columns kept per recipient */
    size_t n_keep;
    int64_t *occ;                  /* per wave: its first occurrence, 0 */
    int64_t *due;
    int64_t *coupon_next;          /* per wave */
    struct tocsin_message msg;
    json_t *row;                   /* reused per row */
    size_t rows, messages;
    const char *audience_path;
};

static int kept(const char *name, const struct tocsin_playbook *pb)
{
    static const char *const always[] = {"id", "email", "phone", "locale",
                                         "tz", "channels", "first_name",
                                         "name", NULL};
    size_t i, t, l, p, r;

    for (i = 0; always[i]; i++)
        if (!strcmp(name, always[i]))
            return 1;
    for (t = 0; t < pb->n_templates; t++)
        for (l = 0; l < pb->templates[t].n_locales; l++)
            for (p = 0; p < pb->templates[t].locales[l].n_parts; p++) {
                const struct tocsin_tpl *c =
                    pb->templates[t].locales[l].parts[p].tpl;

                for (r = 0; c && r < tocsin_tpl_n_refs(c); r++)
                    if (!strcmp(tocsin_tpl_ref(c, r)->name, name))
                        return 1;
            }
    return 0;
}

static int open_row(void *payload, const struct tocsin_plan_row *pr,
                    struct tocsin_error *err)
{
    struct opening *op = payload;
    const struct tocsin_row *row = pr->row;
    struct tocsin_playbook *pb = op->rt.pb;
    struct tocsin_recipient_view who;
    const struct tocsin_plan *plan = pr->plan;
    char *data;
    size_t i, k, w;
    int rc;

    /* the recipient, as the journal keeps it */
    json_object_clear(op->row);
    for (i = 0; i < op->n_keep; i++) {
        size_t c = op->keep[i];

        json_object_set_new(op->row, op->hdr->names[c],
                            json_stringn(row->fields[c], row->lens[c]));
    }
    /* invalid values were reported and are kept empty: a template may
     * still name the column, routing treats empty as absent */
    if (!row->email && json_object_get(op->row, "email"))
        json_object_set_new(op->row, "email", json_string(""));
    if (!row->phone && json_object_get(op->row, "phone"))
        json_object_set_new(op->row, "phone", json_string(""));
    if (!row->locale && json_object_get(op->row, "locale"))
        json_object_set_new(op->row, "locale", json_string(""));
    if (!row->channels && json_object_get(op->row, "channels"))
        json_object_set_new(op->row, "channels", json_string(""));
    memset(&who, 0, sizeof who);
    who.scope.names = (const char *const *)op->hdr->names;
    who.scope.values = row->fields;
    who.scope.n = row->hdr->n;
    who.locale = row->locale;
    who.tz = row->tz;
    /* every message this row will get must render: checked before
     * anything is written */
    for (w = 0; w < pb->n_waves; w++) {
        const struct tocsin_wave *wave = &pb->waves[w];
        const struct tocsin_plan_wave *pw = &plan->waves[w];
        const struct tocsin_route *r;
        const struct tocsin_template_def *tpl;

        if (pw->group == (size_t)-1)
            continue;
        r = &pr->routes[pw->group];
        tpl = tocsin_playbook_template(pb, wave->template_name);
        if (r->n)
            tocsin_render_env_set_time(&op->rt.env, "next_update",
                                       pw->next_update);
        for (k = 0; tpl && k < r->n; k++) {
            json_t *extra = NULL;

            if (wave->compensation) {
                extra = json_object();
                json_object_set_new(extra, "coupon_code",
                                    json_string("CHECK"));
                json_object_set_new(extra, "compensation_kind",
                                    json_string("check"));
                json_object_set_new(extra, "compensation_amount",
                                    json_string("USD 1"));
            }
            rc = tocsin_render_message(&op->msg, &op->rt.env, tpl,
                                       r->channels[k], &who, NULL, extra,
                                       err);
            json_decref(extra);
            if (rc) {
                tocsin_error_prefix(err, "%s line %zu (recipient '%s'), "
                                         "wave '%s', %s",
                                    op->audience_path, row->line,
                                    row->id ? row->id : "?", wave->name,
                                    r->channels[k]);
                return rc;
            }
        }
    }
    data = json_dumps(op->row, JSON_COMPACT);
    rc = tocsin_journal_recipient_add(op->c->j, op->rt.rec->id,
                                      (int64_t)pr->rid,
                                      row->id ? row->id : "",
                                      pr->audiences, data, strlen(data), err);
    free(data);
    if (rc)
        return rc;
    /* the messages of the occurrences that exist from the start */
    for (w = 0; w < pb->n_waves; w++) {
        const struct tocsin_wave *wave = &pb->waves[w];
        const struct tocsin_plan_wave *pw = &plan->waves[w];
        const struct tocsin_route *r;
        uint32_t dup;
        int approved = !wave->approval && !op->o->draft, any = 0;

        if (!op->occ[w] || pw->group == (size_t)-1)
            continue;
        r = &pr->routes[pw->group];
        dup = pr->dup[pw->group];
        for (k = 0; k < r->n; k++) {
            if (dup >> k & 1) {
                if (wave->first)
                    break;
                continue;
            }
            rc = op->c->ob->ops->enqueue(
                op->c->ob, op->rt.rec->id, op->occ[w], (int64_t)pr->rid,
                row->id, r->channels[k],
                approved ? TOCSIN_M_PENDING : TOCSIN_M_HELD, op->due[w], 0,
                op->coupon_next[w] >= 0 ? op->coupon_next[w] : -1, err);
            if (rc)
                return rc;
            op->messages++;
            any = 1;
            if (wave->first)
                break;
        }
        if (any && op->coupon_next[w] >= 0)
            op->coupon_next[w]++;
    }
    op->rows++;
    if (op->o->progress && op->rows % 10000 == 0)
        op->o->progress(op->o->payload, op->rows);
    return 0;
}

/* Read a coupon pool: a CSV with a 'code' column. */
struct pool {
    json_t *codes;
    long col;
    size_t line1;
};

static int pool_record(void *payload, size_t line, const char *const *f,
                       const size_t *lens, size_t n)
{
    struct pool *p = payload;
    size_t i;

    if (p->col < 0) {
        for (i = 0; i < n; i++)
            if (!strcmp(f[i], "code"))
                p->col = (long)i;
        if (p->col < 0)
            p->col = 0;
        p->line1 = line;
        return 0;
    }
    if ((size_t)p->col < n && lens[p->col])
        json_array_append_new(p->codes, json_stringn(f[p->col],
                                                     lens[p->col]));
    return 0;
}

static int load_pools(json_t **out, const struct tocsin_playbook *pb,
                      struct tocsin_error *err)
{
    json_t *all = json_object();
    size_t i;
    int rc = 0;

    for (i = 0; i < pb->n_compensations && !rc; i++) {
        const struct tocsin_compensation *c = &pb->compensations[i];
        struct tocsin_buf path = TOCSIN_BUF_INIT(0), data = TOCSIN_BUF_INIT(0);
        const char *slash = strrchr(pb->path, '/');
        struct pool p = {json_array(), -1, 0};

        if (!c->codes_path) {
            json_decref(p.codes);
            continue;
        }
        if (c->codes_path[0] == '/' || !slash)
            tocsin_buf_adds(&path, c->codes_path);
        else
            tocsin_buf_addf(&path, "%.*s/%s", (int)(slash - pb->path),
                            pb->path, c->codes_path);
        rc = tocsin_read_file(&data, path.ptr, 0, err);
        if (!rc)
            rc = tocsin_csv_parse_buffer(data.ptr, data.len, pool_record, &p,
                                         err);
        if (rc) {
            tocsin_error_at(err, path.ptr, 0);
            tocsin_error_prefix(err, "coupon pool of compensation '%s'",
                                c->name);
            if (err->code == TOCSIN_ERUNTIME)
                err->code = TOCSIN_EINPUT;
            rc = TOCSIN_EINPUT;
        } else {
            json_object_set(all, c->name, p.codes);
        }
        json_decref(p.codes);
        tocsin_buf_cleanup(&path);
        tocsin_buf_cleanup(&data);
    }
    if (rc) {
        json_decref(all);
        return rc;
    }
    *out = all;
    return 0;
}

static int valid_id(const char *id)
{
    size_t i;

    if (!*id || strlen(id) > 60)
        return 0;
    for (i = 0; id[i]; i++)
        if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= 'a' && id[i] <= 'z')
              || (id[i] >= '0' && id[i] <= '9') || id[i] == '-' ||
              id[i] == '_' || id[i] == '.'))
            return 0;
    return id[0] != '.' && id[0] != '-';
}

static json_t *audience_json(const struct tocsin_plan *plan)
{
    json_t *a = json_object(), *cols = json_array();
    size_t i;

    json_object_set_new(a, "sha256", json_string(plan->audience_sha256));
    json_object_set_new(a, "rows", json_integer((json_int_t)plan->rows));
    for (i = 0; plan->header && i < plan->header->n; i++)
        json_array_append_new(cols, json_string(plan->header->names[i]));
    json_object_set_new(a, "columns", cols);
    return a;
}

int tocsin_incident_open(struct tocsin_open_result *out,
                         struct tocsin_ctx *c,
                         const struct tocsin_open_opts *o,
                         struct tocsin_diags *diags,
                         struct tocsin_error *err)
{
    struct opening op;
    struct tocsin_buf pbpath = TOCSIN_BUF_INIT(0), sub = TOCSIN_BUF_INIT(0);
    struct tocsin_plan_opts popts;
    struct tocsin_incident_rec rec;
    struct rec_file files[2];
    json_t *params = json_object(), *aud = NULL, *pools = NULL, *pj = NULL;
    char id[64], *tmp;
    size_t i, n_occ = 0;
    int rc, in_tx = 0;

    memset(out, 0, sizeof *out);
    memset(&op, 0, sizeof op);
    memset(files, 0, sizeof files);
    op.c = c;
    op.o = o;
    op.audience_path = o->audience;
    op.row = json_object();
    tocsin_message_init(&op.msg);
    if ((rc = tocsin_workspace_playbook(&pbpath, c->ws, o->playbook, err)))
        goto out;
    rc = tocsin_playbook_load(&op.rt.pb, pbpath.ptr, c->cfg, o->sets,
                              o->n_sets, diags, err);
    if (rc)
        goto out;
    if ((rc = tocsin_audience_header(&op.hdr, o->audience, err)))
        goto out;
    if (tocsin_render_compile(op.rt.pb, diags) ||
        tocsin_render_check_names(op.rt.pb,
                                  (const char *const *)op.hdr->names,
                                  op.hdr->n, diags)) {
        rc = TOCSIN_EINPUT;
        goto out;
    }
    if ((rc = load_pools(&pools, op.rt.pb, err)))
        goto out;
    if (o->id) {
        if (!valid_id(o->id)) {
            rc = tocsin_error_set(err, TOCSIN_EUSAGE, NULL, 0,
                                  "invalid incident id '%s' (letters, "
                                  "digits, '-', '_', '.')", o->id);
            goto out;
        }
        tocsin_format(id, sizeof id, "%s", o->id);
    } else if ((rc = tocsin_journal_next_id(id, c->j, o->now, err))) {
        goto out;
    }
    {
        struct tocsin_incident_rec *exists = NULL;
        struct tocsin_error ignore = TOCSIN_ERROR_INIT;

        if (!tocsin_journal_incident_get(&exists, c->j, id, &ignore)) {
            tocsin_incident_rec_free(exists);
            rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                  "incident '%s' already exists", id);
            goto out;
        }
    }
    for (i = 0; i < op.rt.pb->n_params; i++)
        if (op.rt.pb->params[i].value)
            json_object_set_new(params, op.rt.pb->params[i].name,
                                json_string(op.rt.pb->params[i].value));

    /* the incident row; the playbook exactly as it ran */
    memset(&rec, 0, sizeof rec);
    rec.id = id;
    rec.playbook = op.rt.pb->id ? op.rt.pb->id : "playbook";
    rec.playbook_path = pbpath.ptr;
    rec.title = op.rt.pb->title;
    rec.state = o->draft ? "draft" : "open";
    {
        struct tocsin_buf who = TOCSIN_BUF_INIT(0);

        tocsin_buf_addf(&who, "%s <%s>", o->actor->name, o->actor->email);
        rec.opened_by = tocsin_buf_detach(&who, NULL);
    }
    rec.opened_at = o->now;
    rec.params = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
    rec.snapshot = op.rt.pb->source;
    rec.snapshot_len = op.rt.pb->source_len;

    if ((rc = tocsin_journal_begin(c->j, err)))
        goto out_rec;
    in_tx = 1;
    rec.audience = "{}";
    if ((rc = tocsin_journal_incident_add(c->j, &rec, err)))
        goto out_rec;
    tmp = json_dumps(pools, JSON_COMPACT);
    rc = tocsin_journal_kv_set(c->j, "coupons", id, tmp, o->now, err);
    free(tmp);
    if (rc)
        goto out_rec;

    /* runtime view of the new incident for rendering */
    op.rt.c = c;
    op.rt.rec = tocsin_xcalloc(1, sizeof *op.rt.rec);
    op.rt.rec->id = tocsin_xstrdup(id);
    op.rt.rec->state = tocsin_xstrdup(rec.state);
    op.rt.rec->opened_at = o->now;
    op.rt.coupons = json_incref(pools);
    tocsin_render_env_init(&op.rt.env, c->cfg, op.rt.pb, id);
    op.rt.env.no_html = 1;

    /* the occurrences that exist from the start */
    op.occ = tocsin_xcalloc(op.rt.pb->n_waves + 1, sizeof *op.occ);
    op.due = tocsin_xcalloc(op.rt.pb->n_waves + 1, sizeof *op.due);
    op.coupon_next = tocsin_xcalloc(op.rt.pb->n_waves + 1,
                                    sizeof *op.coupon_next);
    for (i = 0; i < op.rt.pb->n_waves; i++) {
        const struct tocsin_wave *w = &op.rt.pb->waves[i];
        const struct tocsin_compensation *comp =
            w->compensation ? tocsin_playbook_compensation(op.rt.pb,
                                                           w->compensation)
                            : NULL;

        op.coupon_next[i] = comp && comp->codes_path ? 0 : -1;
        if (w->kind == TOCSIN_WAVE_ON)
            continue;
        op.due[i] = o->now + w->at_s;
        if ((rc = tocsin_journal_occ_add(&op.occ[i], c->j, id, w->name, 1,
                                         op.due[i], err)))
            goto out_rec;
        n_occ++;
    }
    op.keep = tocsin_xcalloc(op.hdr->n + 1, sizeof *op.keep);
    for (i = 0; i < op.hdr->n; i++)
        if (kept(op.hdr->names[i], op.rt.pb))
            op.keep[op.n_keep++] = i;

    memset(&popts, 0, sizeof popts);
    popts.start = o->now;
    popts.row_fn = open_row;
    popts.payload = &op;
    rc = tocsin_plan_build(&op.plan, c->cfg, op.rt.pb, o->audience, &popts,
                           err);
    if (rc)
        goto out_rec;
    for (i = 0; i < op.plan->findings.n; i++) {
        const struct tocsin_diag *x = &op.plan->findings.items[i];

        tocsin_diags_add(diags, x->severity, x->path, x->line, x->col,
                         x->rule, x->hint, "%s", x->msg);
    }
    /* coupon pools must cover every recipient who gets a code */
    for (i = 0; i < op.rt.pb->n_waves; i++) {
        const struct tocsin_wave *w = &op.rt.pb->waves[i];
        size_t have;

        if (op.coupon_next[i] < 0)
            continue;
        have = json_array_size(json_object_get(pools, w->compensation));
        if ((size_t)op.plan->waves[i].reached > have) {
            rc = tocsin_error_set(err, TOCSIN_EINPUT, op.rt.pb->path, w->line,
                                  "wave '%s' gives %zu coupon codes but the "
                                  "pool of '%s' has %zu", w->name,
                                  op.plan->waves[i].reached,
                                  w->compensation, have);
            goto out_rec;
        }
    }
    /* broadcasts of the occurrences that exist from the start */
    for (i = 0; i < op.rt.pb->n_waves; i++) {
        const struct tocsin_wave *w = &op.rt.pb->waves[i];
        int approved = !w->approval && !o->draft;

        if (!op.occ[i])
            continue;
        if ((rc = tocsin_rt_enqueue_broadcasts(
                 &op.messages, &op.rt, w, w->template_name,
                 (const char *const *)w->channels, w->n_channels, op.occ[i],
                 op.due[i], approved ? TOCSIN_M_PENDING : TOCSIN_M_HELD,
                 err)))
            goto out_rec;
    }
    aud = audience_json(op.plan);
    tmp = json_dumps(aud, JSON_COMPACT);
    rc = tocsin_journal_incident_audience(c->j, id, tmp, err);
    free(tmp);
    if (rc)
        goto out_rec;
    free(op.rt.rec->audience);
    op.rt.rec->audience = json_dumps(aud, JSON_COMPACT);
    op.rt.rec->playbook = tocsin_xstrdup(rec.playbook);
    op.rt.rec->title = rec.title ? tocsin_xstrdup(rec.title) : NULL;
    op.rt.rec->opened_by = tocsin_xstrdup(rec.opened_by);
    op.rt.rec->params = tocsin_xstrdup(rec.params);

    /* the audit record: open, with the playbook as it ran and the plan
     * without previews (no customer data) */
    pj = tocsin_plan_json(op.plan, 0);
    files[0].path = NULL;
    tocsin_buf_addf(&sub, "incidents/%s/playbook.lua", id);
    files[0].path = tocsin_buf_detach(&sub, NULL);
    files[0].data = tocsin_xmemdup(op.rt.pb->source, op.rt.pb->source_len);
    files[0].len = op.rt.pb->source_len;
    tocsin_buf_addf(&sub, "incidents/%s/plan.json", id);
    files[1].path = tocsin_buf_detach(&sub, NULL);
    files[1].data = json_dumps(pj, JSON_INDENT(2) | JSON_SORT_KEYS);
    files[1].len = strlen(files[1].data);
    tocsin_buf_addf(&sub, "open: %s %s, %zu recipients", id, rec.playbook,
                    op.rows);
    rc = tocsin_record(&op.rt, "open", NULL, o->actor, o->now, sub.ptr, NULL,
                       0, files, 2, NULL, 0, out->commit, err);
    if (rc)
        goto out_rec;
    if ((rc = tocsin_journal_commit(c->j, err)))
        goto out_rec;
    in_tx = 0;
    tocsin_format(out->id, sizeof out->id, "%s", id);
    out->recipients = op.rows;
    out->messages = op.messages;
    out->occurrences = n_occ;
out_rec:
    free(rec.opened_by);
    free(rec.params);
out:
    if (in_tx)
        tocsin_journal_rollback(c->j);
    tocsin_rec_files_free(files, 2);
    json_decref(pj);
    json_decref(aud);
    json_decref(pools);
    json_decref(params);
    json_decref(op.row);
    tocsin_message_cleanup(&op.msg);
    tocsin_plan_free(op.plan);
    tocsin_header_free(op.hdr);
    free(op.keep);
    free(op.occ);
    free(op.due);
    free(op.coupon_next);
    tocsin_rt_cleanup(&op.rt);
    tocsin_buf_cleanup(&pbpath);
    tocsin_buf_cleanup(&sub);
    return rc;
}

/* ----- the commands that move an incident ------------------------------ */

static int refuse_closed(const struct inc_rt *rt, const char *what,
                         struct tocsin_error *err)
{
    if (strcmp(rt->rec->state, "closed"))
        return 0;
    tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                     "cannot %s: incident %s is closed", what, rt->rec->id);
    return TOCSIN_EINPUT;
}

/* Is 'a' one of the people of role 'role'? Matched by email address, or
 * by name when the role lists no address. */
static int in_role(const struct tocsin_role *role, const struct tocsin_actor *a)
{
    size_t i;

    for (i = 0; role && i < role->n_members; i++) {
        const char *m = role->members[i];
        const char *lt = strrchr(m, '<');

        if (lt && a->email[0] && !strncasecmp(lt + 1, a->email,
                                               strlen(a->email)) &&
            lt[1 + strlen(a->email)] == '>')
            return 1;
        if (!lt && (!strcasecmp(m, a->email) || !strcasecmp(m, a->name)))
            return 1;
    }
    return 0;
}

/* The journal transaction and the audit commit of one action together. */
static int act(struct inc_rt *rt, const char *action, const char *wave,
               const struct tocsin_actor *a, int64_t now, const char *subject,
               const char *body, int with_results,
               const struct tocsin_trailer *tr, size_t n_tr,
               struct tocsin_error *err)
{
    int rc = tocsin_record(rt, action, wave, a, now, subject, body,
                           with_results, NULL, 0, tr, n_tr, NULL, err);

    if (rc) {
        tocsin_journal_rollback(rt->c->j);
        return rc;
    }
    return tocsin_journal_commit(rt->c->j, err);
}

int tocsin_incident_approve(struct tocsin_ctx *c, const char *id,
                            const char *wave, const struct tocsin_actor *a,
                            const char *note, int64_t now,
                            struct tocsin_error *err)
{
    struct inc_rt rt;
    struct tocsin_occ *occ = NULL;
    size_t n = 0, i;
    struct tocsin_buf sub = TOCSIN_BUF_INIT(0), who = TOCSIN_BUF_INIT(0);
    struct tocsin_trailer tr[2];
    const struct tocsin_wave *w;
    int rc, draft;

    if ((rc = tocsin_rt_load(&rt, c, id, err)))
        return rc;
    if ((rc = refuse_closed(&rt, "approve", err)))
        goto out;
    draft = !strcmp(rt.rec->state, "draft");
    /* "draft" approves the incident itself (a monitor's draft) */
    w = strcmp(wave, "draft") ? tocsin_rt_wave(&rt, wave) : NULL;
    if (!w && strcmp(wave, "draft")) {
        const char **names = tocsin_xcalloc(rt.pb->n_waves + 1,
                                            sizeof *names);
        const char *g;

        for (i = 0; i < rt.pb->n_waves; i++)
            names[i] = rt.pb->waves[i].name;
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "incident %s has no wave '%s'", id, wave);
        if ((g = tocsin_did_you_mean(wave, names, rt.pb->n_waves)))
            tocsin_error_hint(err, "did you mean '%s'?", g);
        free(names);
        goto out;
    }
    if (!w && !draft) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "incident %s is not a draft", id);
        goto out;
    }
    if (w && !w->approval) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "wave '%s' needs no approval", wave);
        goto out;
    }
    if (w && !in_role(tocsin_config_role(c->cfg, w->approval), a)) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "%s <%s> is not an approver of role '%s'",
                              a->name, a->email, w->approval);
        tocsin_error_hint(err, "the approvers are listed in tocsin.lua");
        goto out;
    }
    if ((rc = tocsin_journal_begin(c->j, err)))
        goto out;
    if ((rc = tocsin_journal_approval_add(c->j, id, wave, a->name, note, now,
                                          err)) ||
        (rc = tocsin_journal_occ_list(&occ, &n, c->j, id, err))) {
        tocsin_journal_rollback(c->j);
        goto out;
    }
    /* release what was held for this approval */
    for (i = 0; i < n && !rc; i++) {
        const struct tocsin_wave *ow = tocsin_rt_wave(&rt, occ[i].wave);
        int ok = 1;

        if (!w) {
            if (ow && ow->approval &&
                (rc = tocsin_journal_approved(&ok, c->j, id, ow->name, err)))
                break;
        } else if (strcmp(occ[i].wave, wave)) {
            continue;
        }
        if (ok && !(w == NULL && ow && ow->approval && !ok))
            rc = c->ob->ops->move(c->ob, occ[i].id, TOCSIN_M_HELD,
                                  TOCSIN_M_PENDING, now, NULL, err);
    }
    if (!rc && draft && !w) {
        rc = tocsin_journal_incident_state(c->j, id, "open", now, err);
        free(rt.rec->state);
        rt.rec->state = tocsin_xstrdup("open");
    }
    if (rc) {
        tocsin_journal_rollback(c->j);
        goto out;
    }
    tocsin_buf_addf(&who, "%s <%s>", a->name, a->email);
    tr[0].key = "Tocsin-Approved-By";
    tr[0].value = who.ptr;
    tr[1].key = "Tocsin-Note";
    tr[1].value = note;
    tocsin_buf_addf(&sub, "approve: %s %s by %s", id, w ? wave : "draft",
                    a->name);
    {
        char label[160];

        tocsin_format(label, sizeof label, "%s#%d", w ? wave : "draft", 1);
        rc = act(&rt, "approve", label, a, now, sub.ptr, note, 0, tr,
                 note ? 2 : 1, err);
    }
out:
    free(occ);
    tocsin_buf_cleanup(&sub);
    tocsin_buf_cleanup(&who);
    tocsin_rt_cleanup(&rt);
    return rc;
}

static int valid_event(const char *e)
{
    size_t i;

    if (!*e || strlen(e) > 64)
        return 0;
    for (i = 0; e[i]; i++)
        if (!((e[i] >= 'a' && e[i] <= 'z') || (e[i] >= '0' && e[i] <= '9') ||
              e[i] == '-' || e[i] == '_'))
            return 0;
    return 1;
}

int tocsin_incident_signal(struct tocsin_ctx *c, const char *id,
                           const char *event, const struct tocsin_actor *a,
                           const char *note, int64_t now,
                           struct tocsin_error *err)
{
    struct inc_rt rt;
    struct tocsin_buf sub = TOCSIN_BUF_INIT(0);
    int rc;

    if (!valid_event(event))
        return tocsin_error_set(err, TOCSIN_EUSAGE, NULL, 0,
                                "invalid event name '%s' (lowercase letters, "
                                "digits, '-', '_')", event);
    if ((rc = tocsin_rt_load(&rt, c, id, err)))
        return rc;
    if ((rc = refuse_closed(&rt, "signal", err)))
        goto out;
    if (!strcmp(event, "resolve") || !strcmp(event, "close")) {
        rc = tocsin_error_set(err, TOCSIN_EUSAGE, NULL, 0,
                              "use 'tocsin %s' for that", event);
        goto out;
    }
    if ((rc = tocsin_journal_begin(c->j, err)))
        goto out;
    if ((rc = tocsin_journal_event_add(c->j, id, event, now, a->name, note,
                                       err))) {
        tocsin_journal_rollback(c->j);
        goto out;
    }
    tocsin_buf_addf(&sub, "signal: %s %s", id, event);
    rc = act(&rt, "signal", NULL, a, now, sub.ptr, note, 0, NULL, 0, err);
out:
    tocsin_buf_cleanup(&sub);
    tocsin_rt_cleanup(&rt);
    return rc;
}

int tocsin_incident_update(struct tocsin_ctx *c, const char *id,
                           const char *message, const char *const *channels,
                           size_t n_channels, const struct tocsin_actor *a,
                           int64_t now, struct tocsin_error *err)
{
    static const char *const dflt[] = {"banner", "status"};
    struct inc_rt rt;
    struct tocsin_buf sub = TOCSIN_BUF_INIT(0), key = TOCSIN_BUF_INIT(0);
    struct tocsin_occ *occ = NULL;
    size_t n = 0, i, msgs = 0;
    int64_t occ_id;
    int seq = 1, rc;
    json_t *u;
    char *us;

    if (!message || !*message)
        return tocsin_error_set(err, TOCSIN_EUSAGE, NULL, 0,
                                "an update needs --message TEXT");
    if (!channels || !n_channels) {
        channels = dflt;
        n_channels = 2;
    }
    if ((rc = tocsin_rt_load(&rt, c, id, err)))
        return rc;
    if ((rc = refuse_closed(&rt, "update", err)))
        goto out;
    for (i = 0; i < n_channels; i++)
        if (tocsin_channel_kind(c->cfg, channels[i]) != TOCSIN_CH_BROADCAST) {
            rc = tocsin_error_set(err, TOCSIN_EUSAGE, NULL, 0,
                                  "an update goes to broadcast channels "
                                  "(banner, status, social, staff, ...), "
                                  "not '%s'", channels[i]);
            goto out;
        }
    if ((rc = tocsin_journal_occ_list(&occ, &n, c->j, id, err)))
        goto out;
    for (i = 0; i < n; i++)
        if (!strcmp(occ[i].wave, "update") && occ[i].seq >= seq)
            seq = occ[i].seq + 1;
    if ((rc = tocsin_journal_begin(c->j, err)))
        goto out;
    u = json_object();
    json_object_set_new(u, "message", json_string(message));
    us = json_dumps(u, JSON_COMPACT);
    json_decref(u);
    tocsin_buf_addf(&key, "%s#%d", id, seq);
    rc = tocsin_journal_kv_set(c->j, "update", key.ptr, us, now, err);
    free(us);
    if (!rc)
        rc = tocsin_journal_occ_add(&occ_id, c->j, id, "update", seq, now,
                                    err);
    if (!rc)
        rc = tocsin_rt_enqueue_broadcasts(&msgs, &rt, NULL, NULL, channels,
                                          n_channels, occ_id, now,
                                          TOCSIN_M_PENDING, err);
    if (rc) {
        tocsin_journal_rollback(c->j);
        goto out;
    }
    tocsin_buf_addf(&sub, "update: %s on", id);
    for (i = 0; i < n_channels; i++)
        tocsin_buf_addf(&sub, "%s%s", i ? ", " : " ", channels[i]);
    {
        struct rec_file f;
        char label[160];

        tocsin_buf_reset(&key);
        tocsin_buf_addf(&key, "incidents/%s/updates/%03d.txt", id, seq);
        f.path = tocsin_buf_detach(&key, NULL);
        f.data = tocsin_xstrdup(message);
        f.len = strlen(message);
        tocsin_format(label, sizeof label, "update#%d", seq);
        rc = tocsin_record(&rt, "update", label, a, now, sub.ptr, message, 0,
                           &f, 1, NULL, 0, NULL, err);
        tocsin_rec_files_free(&f, 1);
        if (rc)
            tocsin_journal_rollback(c->j);
        else
            rc = tocsin_journal_commit(c->j, err);
    }
out:
    free(occ);
    tocsin_buf_cleanup(&sub);
    tocsin_buf_cleanup(&key);
    tocsin_rt_cleanup(&rt);
    return rc;
}

int tocsin_incident_resolve(struct tocsin_ctx *c, const char *id,
                            const struct tocsin_actor *a, const char *message,
                            int64_t now, struct tocsin_error *err)
{
    struct inc_rt rt;
    struct tocsin_buf sub = TOCSIN_BUF_INIT(0);
    int rc;

    if ((rc = tocsin_rt_load(&rt, c, id, err)))
        return rc;
    if ((rc = refuse_closed(&rt, "resolve", err)))
        goto out;
    if (!strcmp(rt.rec->state, "resolved")) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "incident %s is already resolved", id);
        goto out;
    }
    if ((rc = tocsin_journal_begin(c->j, err)))
        goto out;
    if ((rc = tocsin_journal_event_add(c->j, id, "resolve", now, a->name,
                                       message, err)) ||
        (rc = tocsin_journal_incident_state(c->j, id, "resolved", now,
                                            err))) {
        tocsin_journal_rollback(c->j);
        goto out;
    }
    free(rt.rec->state);
    rt.rec->state = tocsin_xstrdup("resolved");
    rt.rec->resolved_at = now;
    tocsin_buf_addf(&sub, "resolve: %s", id);
    rc = act(&rt, "resolve", NULL, a, now, sub.ptr, message, 1, NULL, 0, err);
out:
    tocsin_buf_cleanup(&sub);
    tocsin_rt_cleanup(&rt);
    return rc;
}

int tocsin_incident_close(struct tocsin_ctx *c, const char *id,
                          const struct tocsin_actor *a, int64_t now,
                          struct tocsin_error *err)
{
    struct inc_rt rt;
    struct tocsin_buf sub = TOCSIN_BUF_INIT(0);
    struct tocsin_occ *occ = NULL;
    size_t n = 0, i, skipped = 0;
    int rc;

    if ((rc = tocsin_rt_load(&rt, c, id, err)))
        return rc;
    if ((rc = refuse_closed(&rt, "close", err)))
        goto out;
    if ((rc = tocsin_journal_occ_list(&occ, &n, c->j, id, err)) ||
        (rc = tocsin_journal_begin(c->j, err)))
        goto out;
    /* what never went out is recorded as skipped, with the reason, and
     * the cadences stop */
    for (i = 0; i < n && !rc; i++) {
        if (!strcmp(occ[i].state, "done") ||
            !strcmp(occ[i].state, "cancelled"))
            continue;
        rc = c->ob->ops->move(c->ob, occ[i].id, TOCSIN_M_PENDING,
                              TOCSIN_M_SKIPPED, now, "incident closed", err);
        if (!rc)
            rc = c->ob->ops->move(c->ob, occ[i].id, TOCSIN_M_HELD,
                                  TOCSIN_M_SKIPPED, now, "incident closed",
                                  err);
        if (!rc)
            rc = tocsin_journal_occ_state(
                c->j, occ[i].id,
                !strcmp(occ[i].state, "started") ? "done" : "cancelled", now,
                err);
        skipped++;
    }
    if (!rc)
        rc = tocsin_journal_incident_state(c->j, id, "closed", now, err);
    if (rc) {
        tocsin_journal_rollback(c->j);
        goto out;
    }
    free(rt.rec->state);
    rt.rec->state = tocsin_xstrdup("closed");
    rt.rec->closed_at = now;
    tocsin_buf_addf(&sub, "close: %s", id);
    if (skipped)
        tocsin_buf_addf(&sub, " (%zu unfinished waves stopped)", skipped);
    rc = act(&rt, "close", NULL, a, now, sub.ptr, NULL, 1, NULL, 0, err);
out:
    free(occ);
    tocsin_buf_cleanup(&sub);
    tocsin_rt_cleanup(&rt);
    return rc;
}

struct settle {
    struct tocsin_ctx *c;
    struct tocsin_msg *v;
    size_t n, cap;
};

static int collect_unknown(void *payload, const struct tocsin_msg *m)
{
    struct settle *s = payload;

    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = tocsin_xreallocarray(s->v, s->cap, sizeof *s->v);
    }
    s->v[s->n++] = *m;
    return 0;
}

int tocsin_incident_reconcile(size_t *n_out, struct tocsin_ctx *c,
                              const char *id, const char *how,
                              const struct tocsin_actor *a, int64_t now,
                              struct tocsin_error *err)
{
    struct inc_rt rt;
    struct settle s;
    struct tocsin_mark *marks = NULL;
    const struct tocsin_msg **mm = NULL;
    struct tocsin_buf sub = TOCSIN_BUF_INIT(0);
    struct tocsin_trailer tr = {"Tocsin-Reconcile", how};
    size_t i;
    int rc;

    *n_out = 0;
    memset(&s, 0, sizeof s);
    if (strcmp(how, "resend") && strcmp(how, "mark-sent") &&
        strcmp(how, "mark-failed"))
        return tocsin_error_set(err, TOCSIN_EUSAGE, NULL, 0,
                                "reconcile with --resend, --mark-sent or "
                                "--mark-failed");
    if ((rc = tocsin_rt_load(&rt, c, id, err)))
        return rc;
    if ((rc = c->ob->ops->each(c->ob, id, TOCSIN_M_UNKNOWN, collect_unknown,
                               &s, err)))
        goto out;
    marks = tocsin_xcalloc(s.n + 1, sizeof *marks);
    mm = tocsin_xcalloc(s.n + 1, sizeof *mm);
    for (i = 0; i < s.n; i++) {
        mm[i] = &s.v[i];
        marks[i].at = now;
        marks[i].alt = s.v[i].alt;
        marks[i].next_attempt_at = now;
        marks[i].state = !strcmp(how, "resend")      ? TOCSIN_M_PENDING
                         : !strcmp(how, "mark-sent") ? TOCSIN_M_SENT
                                                     : TOCSIN_M_FAILED;
        marks[i].error = !strcmp(how, "mark-sent")
                             ? NULL
                             : "outcome unknown; settled by a person";
    }
    /* the marks are one transaction, the audit record the next: a crash
     * between them leaves the journal settled and the commit missing,
     * which 'audit verify' reports as receipts out of step */
    if (s.n && (rc = c->ob->ops->mark(c->ob, mm, marks, s.n, err)))
        goto out;
    if ((rc = tocsin_journal_begin(c->j, err)))
        goto out;
    tocsin_buf_addf(&sub, "reconcile: %s %zu unknown messages: %s", id, s.n,
                    how);
    rc = act(&rt, "reconcile", NULL, a, now, sub.ptr, NULL, 1, &tr, 1, err);
    if (!rc)
        *n_out = s.n;
out:
    free(s.v);
    free(marks);
    free(mm);
    tocsin_buf_cleanup(&sub);
    tocsin_rt_cleanup(&rt);
    return rc;
}

/* ----- reading ---------------------------------------------------------- */

static json_t *jt(int64_t t)
{
    char s[32];

    if (t < 0)
        return json_null();
    tocsin_time_format(s, sizeof s, t);
    return json_string(s);
}

int tocsin_incident_status(json_t **out, struct tocsin_ctx *c,
                           const char *id, int64_t now,
                           struct tocsin_error *err)
{
    struct tocsin_incident_rec *r = NULL;
    struct tocsin_occ *occ = NULL;
    struct tocsin_count *cnt = NULL;
    size_t n_occ = 0, n_cnt = 0, i, k;
    json_t *doc, *arr, *tot;
    int rc;

    (void)now;
    if ((rc = tocsin_journal_incident_get(&r, c->j, id, err)))
        return rc;
    if ((rc = tocsin_journal_occ_list(&occ, &n_occ, c->j, id, err)) ||
        (rc = c->ob->ops->counts(c->ob, &cnt, &n_cnt, id, -1, err)))
        goto out;
    doc = json_object();
    json_object_set_new(doc, "id", json_string(r->id));
    json_object_set_new(doc, "state", json_string(r->state));
    json_object_set_new(doc, "playbook", json_string(r->playbook));
    json_object_set_new(doc, "title", r->title ? json_string(r->title)
                                               : json_null());
    json_object_set_new(doc, "opened_by", json_string(r->opened_by
                                                          ? r->opened_by
                                                          : ""));
    json_object_set_new(doc, "opened_at", jt(r->opened_at));
    json_object_set_new(doc, "resolved_at", jt(r->resolved_at));
    json_object_set_new(doc, "closed_at", jt(r->closed_at));
    arr = json_array();
    tot = json_object();
    for (i = 0; i < n_occ; i++) {
        json_t *o = json_object(), *chs = json_object();
        char label[160];

        tocsin_occ_label(label, &occ[i]);
        json_object_set_new(o, "wave", json_string(label));
        json_object_set_new(o, "due", jt(occ[i].due_at));
        json_object_set_new(o, "state", json_string(occ[i].state));
        json_object_set_new(o, "started", jt(occ[i].started_at));
        json_object_set_new(o, "done", jt(occ[i].done_at));
        for (k = 0; k < n_cnt; k++) {
            json_t *st, *t;

            if (cnt[k].occurrence != occ[i].id)
                continue;
            st = json_object_get(chs, cnt[k].channel);
            if (!st) {
                st = json_object();
                json_object_set_new(chs, cnt[k].channel, st);
            }
            json_object_set_new(st, tocsin_mstate_names[cnt[k].state],
                                json_integer((json_int_t)cnt[k].n));
            t = json_object_get(tot, tocsin_mstate_names[cnt[k].state]);
            json_object_set_new(tot, tocsin_mstate_names[cnt[k].state],
                                json_integer(json_integer_value(t) +
                                             (json_int_t)cnt[k].n));
        }
        json_object_set_new(o, "channels", chs);
        json_array_append_new(arr, o);
    }
    json_object_set_new(doc, "occurrences", arr);
    json_object_set_new(doc, "messages", tot);
    *out = doc;
out:
    free(occ);
    free(cnt);
    tocsin_incident_rec_free(r);
    return rc;
}

static int list_one(void *payload, const struct tocsin_incident_rec *r)
{
    json_t *arr = payload, *o = json_object();

    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "state", json_string(r->state));
    json_object_set_new(o, "playbook", json_string(r->playbook));
    json_object_set_new(o, "title", r->title ? json_string(r->title)
                                             : json_null());
    json_object_set_new(o, "opened_at", jt(r->opened_at));
    json_array_append_new(arr, o);
    return 0;
}

int tocsin_incident_list(json_t **out, struct tocsin_ctx *c,
                         struct tocsin_error *err)
{
    json_t *arr = json_array(), *doc;
    int rc = tocsin_journal_incidents(c->j, list_one, arr, err);

    if (rc) {
        json_decref(arr);
        return rc;
    }
    doc = json_object();
    json_object_set_new(doc, "incidents", arr);
    *out = doc;
    return 0;
}

struct expect_acc {
    struct tocsin_ctx *c;
    char **v;
    size_t n, cap;
    int rc;
    struct tocsin_error *err;
};

static int expect_one(void *payload, const struct tocsin_incident_rec *r)
{
    struct expect_acc *x = payload;
    struct tocsin_occ *occ = NULL;
    size_t n = 0, i;

    if ((x->rc = tocsin_journal_occ_list(&occ, &n, x->c->j, r->id, x->err)))
        return x->rc;
    for (i = 0; i < n; i++) {
        struct tocsin_buf s = TOCSIN_BUF_INIT(0);

        if (strcmp(occ[i].state, "started"))
            continue;
        tocsin_buf_addf(&s, "%s %s#%d", r->id, occ[i].wave, occ[i].seq);
        if (x->n == x->cap) {
            x->cap = x->cap ? x->cap * 2 : 16;
            x->v = tocsin_xreallocarray(x->v, x->cap, sizeof *x->v);
        }
        x->v[x->n++] = tocsin_buf_detach(&s, NULL);
    }
    free(occ);
    return 0;
}

int tocsin_incident_expect(struct tocsin_audit_expect *out,
                           struct tocsin_ctx *c, struct tocsin_error *err)
{
    struct expect_acc x;
    char tip[41];
    int rc;

    memset(out, 0, sizeof *out);
    memset(&x, 0, sizeof x);
    x.c = c;
    x.err = err;
    if ((rc = tocsin_journal_tip_get(tip, c->j, err)) ||
        (rc = tocsin_journal_incidents(c->j, expect_one, &x, err))) {
        tocsin_strv_free(x.v, x.n);
        return rc;
    }
    out->tip = tip[0] ? tocsin_xstrdup(tip) : NULL;
    out->in_progress = (const char *const *)x.v;
    out->n_in_progress = x.n;
    return 0;
}

void tocsin_expect_free(struct tocsin_audit_expect *x)
{
    free((char *)x->tip);
    tocsin_strv_free((char **)x->in_progress, x->n_in_progress);
    memset(x, 0, sizeof *x);
}

struct prove_acc {
    struct inc_rt *rt;
    int64_t rid;
    struct tocsin_occ *occ;
    size_t n_occ;
    json_t *arr;
    const char *key;
    struct tocsin_error *err;
    int rc;
};

static int prove_one(void *payload, const struct tocsin_msg *m)
{
    struct prove_acc *p = payload;
    const struct tocsin_occ *o = NULL;
    struct tocsin_message msg;
    struct tocsin_error re = TOCSIN_ERROR_INIT;
    struct rcpt who;
    char *data = NULL, sha[65], label[160], commit[41] = "";
    struct tocsin_buf prefix = TOCSIN_BUF_INIT(0), path = TOCSIN_BUF_INIT(0);
    json_t *x;
    size_t i;

    if (m->rid != p->rid)
        return 0;
    for (i = 0; i < p->n_occ; i++)
        if (p->occ[i].id == m->occurrence)
            o = &p->occ[i];
    if (!o)
        return 0;
    memset(&who, 0, sizeof who);
    if (tocsin_journal_recipient_get(NULL, NULL, &data, p->rt->c->j,
                                     p->rt->rec->id, m->rid, NULL, &re) ||
        tocsin_rcpt_parse(&who, data, strlen(data))) {
        free(data);
        return 0;
    }
    tocsin_occ_label(label, o);
    x = json_object();
    json_object_set_new(x, "wave", json_string(label));
    json_object_set_new(x, "channel", json_string(m->channel));
    json_object_set_new(x, "state",
                        json_string(tocsin_mstate_names[m->state]));
    json_object_set_new(x, "recorded_sha256",
                        m->sha[0] ? json_string(m->sha) : json_null());
    if (!tocsin_rt_render(&msg, p->rt, m, o, &who, &re)) {
        tocsin_message_sha256(sha, &msg);
        json_object_set_new(x, "sha256", json_string(sha));
        json_object_set_new(x, "locale", json_string(msg.locale));
        if (msg.subject.len)
            json_object_set_new(x, "subject", json_string(msg.subject.ptr));
        json_object_set_new(x, "text", json_string(msg.body.ptr));
        json_object_set_new(x, "matches",
                            json_boolean(m->sha[0] && !strcmp(m->sha, sha)));
    } else {
        json_object_set_new(x, "error", json_string(re.msg));
    }
    tocsin_message_cleanup(&msg);
    tocsin_buf_addf(&prefix, "%s\t%s\t%s\t", p->key, label, m->channel);
    tocsin_buf_addf(&path, "incidents/%s/receipts.tsv", p->rt->rec->id);
    {
        struct tocsin_error fe = TOCSIN_ERROR_INIT;

        if (!tocsin_audit_find_origin(p->rt->c->audit, path.ptr, prefix.ptr,
                                      commit, &fe))
            json_object_set_new(x, "commit", json_string(commit));
        else
            json_object_set_new(x, "commit", json_null());
    }
    {
        struct tocsin_buf rec = TOCSIN_BUF_INIT(0);
        struct tocsin_error fe = TOCSIN_ERROR_INIT;
        const char *line;

        if (!tocsin_audit_read(p->rt->c->audit, NULL, path.ptr, &rec, &fe) &&
            (line = strstr(rec.ptr, prefix.ptr))) {
            const char *nl = strchr(line, '\n');

            json_object_set_new(x, "receipt",
                                json_stringn(line, nl ? (size_t)(nl - line)
                                                      : strlen(line)));
        } else {
            json_object_set_new(x, "receipt", json_null());
        }
        tocsin_buf_cleanup(&rec);
    }
    json_array_append_new(p->arr, x);
    tocsin_buf_cleanup(&prefix);
    tocsin_buf_cleanup(&path);
    tocsin_rcpt_cleanup(&who);
    free(data);
    return 0;
}

int tocsin_incident_prove(json_t **out, struct tocsin_ctx *c, const char *id,
                          const char *rid, struct tocsin_error *err)
{
    struct inc_rt rt;
    struct prove_acc p;
    char key[65];
    int rc;

    memset(&p, 0, sizeof p);
    if ((rc = tocsin_rt_load(&rt, c, id, err)))
        return rc;
    p.rt = &rt;
    p.err = err;
    p.arr = json_array();
    if ((rc = tocsin_journal_recipient_get(&p.rid, NULL, NULL, c->j, id, -1,
                                           rid, err)) ||
        (rc = tocsin_journal_occ_list(&p.occ, &p.n_occ, c->j, id, err)))
        goto out;
    tocsin_hmac_sha256_hex(key, c->secret, sizeof c->secret, rid,
                           strlen(rid));
    p.key = key;
    if ((rc = c->ob->ops->each(c->ob, id, TOCSIN_M_N, prove_one, &p, err)))
        goto out;
    *out = json_object();
    json_object_set_new(*out, "incident", json_string(id));
    json_object_set_new(*out, "recipient_key", json_string(key));
    json_object_set(*out, "messages", p.arr);
out:
    json_decref(p.arr);
    free(p.occ);
    tocsin_rt_cleanup(&rt);
    return rc;
}
