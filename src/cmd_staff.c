/*
 * cmd_staff.c - "tocsin staff": the staffing model as a calculator.
 *
 * N contacts arrive evenly over --over; the command sizes one channel per
 * interval exactly as a playbook's staffing block would (staffing.h) and
 * prints a table or JSON. No workspace, no playbook: a commander can
 * answer "how many agents for 3,000 calls this afternoon?" in one line.
 * Option values that are not numbers, durations or sane ranges are input
 * errors (exit 3); a missing or unknown option is a usage error (exit 2).
 */
#include "cmd.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tocsin/buf.h"
#include "tocsin/clock.h"
#include "tocsin/mem.h"
#include "tocsin/staffing.h"

#define CMD "staff"
#define MAX_CONTACTS 1e9

struct opts {
    double contacts;
    int64_t over_s, aht_s, interval_s, target_s, reply_within_s;
    double target_sl, shrinkage, max_occupancy;
    const char *channel;
    int concurrency;
    int json;
    int have_contacts, have_over, have_interval;
    int have_target, have_concurrency, have_reply;
};

static int bad(struct tocsin_error *err, const char *fmt, const char *opt,
               const char *value)
{
    return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0, fmt, opt, value);
}

static int parse_number(double *out, const char *opt, const char *s,
                        double lo, double hi, struct tocsin_error *err)
{
    char *end;
    double v;

    v = strtod(s, &end);
    if (end == s || *end || !isfinite(v))
        return bad(err, "%s: '%.64s' is not a number", opt, s);
    if (!(v >= lo && v <= hi)) {
        tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                         "%s: %g is outside [%g, %g]", opt, v, lo, hi);
        return TOCSIN_EINPUT;
    }
    *out = v;
    return 0;
}

static int parse_duration(int64_t *out, const char *opt, const char *s,
                          int positive, struct tocsin_error *err)
{
    int rc = tocsin_duration_parse(out, s, NULL, 0, err);

    if (rc) {
        tocsin_error_prefix(err, "%s", opt);
        return rc;
    }
    if (positive && *out <= 0)
        return bad(err, "%s: '%.64s' must be longer than zero", opt, s);
    return 0;
}

static void usage_help(void)
{
    printf("usage: tocsin %s\n\n"
           "Size support staffing for N contacts arriving evenly over a "
           "period\n(Erlang C for voice and chat, reply work for email).\n\n"
           "  --contacts N          contacts arriving (required)\n"
           "  --over DUR            the period they arrive in (required)\n"
           "  --aht DUR             average handle time (6m)\n"
           "  --target P/DUR        voice/chat: P %% answered within DUR "
           "(80/20s)\n"
           "  --shrinkage F         share of paid time off contacts (0.30)\n"
           "  --interval DUR        planning interval (--over: one "
           "interval)\n"
           "  --max-occupancy F     most of an agent's time on contacts "
           "(0.85)\n"
           "  --channel C           voice, chat or email (voice)\n"
           "  --concurrency N       chat: chats per agent at once (1)\n"
           "  --reply-within DUR    email: promised reply time (24h)\n"
           "  --json                print JSON\n\n"
           "Agents include shrinkage; agents_on_phone does not.\n",
           tocsin_cli_usage_line(CMD));
}

enum {
    OPT_CONTACTS = 256, OPT_OVER, OPT_AHT, OPT_TARGET, OPT_SHRINKAGE,
    OPT_INTERVAL, OPT_MAX_OCC, OPT_CHANNEL, OPT_CONCURRENCY, OPT_REPLY,
    OPT_JSON, OPT_HELP
};

static const struct option longopts[] = {
    {"contacts", required_argument, NULL, OPT_CONTACTS},
    {"over", required_argument, NULL, OPT_OVER},
    {"aht", required_argument, NULL, OPT_AHT},
    {"target", required_argument, NULL, OPT_TARGET},
    {"shrinkage", required_argument, NULL, OPT_SHRINKAGE},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"max-occupancy", required_argument, NULL, OPT_MAX_OCC},
    {"channel", required_argument, NULL, OPT_CHANNEL},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"reply-within", required_argument, NULL, OPT_REPLY},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

/* One option's value; returns 0 or TOCSIN_EINPUT. */
static int take(struct opts *o, int c, const char *v, struct tocsin_error *err)
{
    double d;
    int rc;

    switch (c) {
    case OPT_CONTACTS:
        o->have_contacts = 1;
        return parse_number(&o->contacts, "--contacts", v, 0, MAX_CONTACTS,
                            err);
    case OPT_OVER:
        o->have_over = 1;
        return parse_duration(&o->over_s, "--over", v, 1, err);
    case OPT_AHT:
        if ((rc = parse_duration(&o->aht_s, "--aht", v, 1, err)))
            return rc;
        if (o->aht_s > 86400)
            return bad(err, "%s: '%.64s' is longer than a day", "--aht", v);
        return 0;
    case OPT_TARGET:
        o->have_target = 1;
        return tocsin_staff_target_parse(&o->target_sl, &o->target_s, v,
                                         NULL, 0, err);
    case OPT_SHRINKAGE:
        return parse_number(&o->shrinkage, "--shrinkage", v, 0,
                            TOCSIN_STAFF_MAX_SHRINKAGE, err);
    case OPT_INTERVAL:
        o->have_interval = 1;
        return parse_duration(&o->interval_s, "--interval", v, 1, err);
    case OPT_MAX_OCC:
        if ((rc = parse_number(&o->max_occupancy, "--max-occupancy", v, 0, 1,
                               err)))
            return rc;
        if (o->max_occupancy == 0)
            return bad(err, "%s: '%.64s' leaves agents no time for "
                            "contacts", "--max-occupancy", v);
        return 0;
    case OPT_CHANNEL:
        if (strcmp(v, "voice") && strcmp(v, "chat") && strcmp(v, "email"))
            return bad(err, "%s: unknown channel '%.64s' (voice, chat or "
                            "email)", "--channel", v);
        o->channel = v;
        return 0;
    case OPT_CONCURRENCY:
        o->have_concurrency = 1;
        if ((rc = parse_number(&d, "--concurrency", v, 1, 100, err)))
            return rc;
        if (d != floor(d))
            return bad(err, "%s: '%.64s' is not a whole number",
                       "--concurrency", v);
        o->concurrency = (int)d;
        return 0;
    case OPT_REPLY:
        o->have_reply = 1;
        return parse_duration(&o->reply_within_s, "--reply-within", v, 1,
                              err);
    default:
        return 0;
    }
}

/* "8.9s" under a minute, else "4h" - never "nan" or "inf". */
static void seconds_text(struct tocsin_buf *b, double s)
{
    char d[32];

    if (s < 59.95) {
        tocsin_buf_addf(b, "%.1fs", s);
        return;
    }
    tocsin_duration_format(d, sizeof d, (int64_t)llround(s));
    tocsin_buf_adds(b, d);
}

static int print_table(const struct opts *o,
                       const struct tocsin_staff_model *m,
                       const struct tocsin_staff_cell *cells, size_t n,
                       int64_t peak, size_t peak_i)
{
    struct tocsin_buf line = TOCSIN_BUF_INIT(0);
    int email = !strcmp(o->channel, "email");
    const char *on = email ? "on email"
                     : !strcmp(o->channel, "chat") ? "on chat" : "on phone";
    char over[32], aht[32], tgt[32], at[32];
    size_t i;

    tocsin_duration_format(over, sizeof over, o->over_s);
    tocsin_duration_format(aht, sizeof aht, o->aht_s);
    tocsin_buf_addf(&line, "%s: %g contacts over %s, AHT %s", o->channel,
                    o->contacts, over, aht);
    if (email) {
        tocsin_duration_format(tgt, sizeof tgt, o->reply_within_s);
        tocsin_buf_addf(&line, ", reply within %s", tgt);
    } else {
        tocsin_duration_format(tgt, sizeof tgt, o->target_s);
        tocsin_buf_addf(&line, ", target %g%% in %s", o->target_sl * 100,
                        tgt);
        if (o->concurrency > 1)
            tocsin_buf_addf(&line, ", %d at once", o->concurrency);
    }
    tocsin_buf_addf(&line, ", max occupancy %g%%, shrinkage %g%%\n\n",
                    m->max_occupancy * 100, m->shrinkage * 100);
    tocsin_buf_addf(&line, "%-10s %10s %7s %9s %8s %8s %9s\n", "start",
                    "contacts", "agents", on,
                    email ? "on time" : "service", email ? "reply" : "ASA",
                    "occupancy");
    fputs(line.ptr, stdout);
    for (i = 0; i < n; i++) {
        const struct tocsin_staff_cell *c = &cells[i];
        struct tocsin_buf asa = TOCSIN_BUF_INIT(64);

        tocsin_buf_reset(&line);
        seconds_text(&asa, c->asa_s);
        tocsin_duration_format(at, sizeof at, (int64_t)i * m->interval_s);
        tocsin_buf_addf(&line, "%-10s %10.1f %7lld %9lld %7.1f%% %8s %8.1f%%\n",
                        at, c->contacts, (long long)c->agents,
                        (long long)c->agents_on_task,
                        c->service_level * 100, asa.ptr, c->occupancy * 100);
        fputs(line.ptr, stdout);
        tocsin_buf_cleanup(&asa);
    }
    tocsin_duration_format(at, sizeof at, (int64_t)peak_i * m->interval_s);
    printf("\npeak: %lld agents at %s (%lld %s; agents include %g%% "
           "shrinkage)\n", (long long)peak, at,
           (long long)cells[peak_i].agents_on_task, on,
           m->shrinkage * 100);
    tocsin_buf_cleanup(&line);
    return fflush(stdout) ? TOCSIN_ERUNTIME : 0;
}

static int print_json(const struct opts *o,
                      const struct tocsin_staff_model *m,
                      const struct tocsin_staff_cell *cells, size_t n,
                      int64_t peak)
{
    json_t *root = json_object(), *list = json_array();
    char *text;
    size_t i;
    int rc = 0;

    json_object_set_new(root, "channel", json_string(o->channel));
    for (i = 0; i < n; i++) {
        const struct tocsin_staff_cell *c = &cells[i];
        json_t *row = json_object();
        char at[32];

        tocsin_duration_format(at, sizeof at, (int64_t)i * m->interval_s);
        json_object_set_new(row, "start", json_string(at));
        json_object_set_new(row, "contacts", json_real(c->contacts));
        json_object_set_new(row, "agents", json_integer(c->agents));
        json_object_set_new(row, "agents_on_phone",
                            json_integer(c->agents_on_task));
        json_object_set_new(row, "service_level",
                            json_real(c->service_level));
        json_object_set_new(row, "asa_s", json_real(c->asa_s));
        json_object_set_new(row, "occupancy", json_real(c->occupancy));
        json_array_append_new(list, row);
    }
    json_object_set_new(root, "intervals", list);
    json_object_set_new(root, "peak_agents", json_integer(peak));
    text = json_dumps(root, JSON_REAL_PRECISION(10));
    if (!text || puts(text) == EOF || fflush(stdout))
        rc = TOCSIN_ERUNTIME;
    free(text);
    json_decref(root);
    return rc;
}

static void defaults(struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->aht_s = 6 * 60;
    o->target_sl = TOCSIN_STAFF_DEFAULT_SL;
    o->target_s = TOCSIN_STAFF_DEFAULT_ANSWER_S;
    o->shrinkage = 0.30;
    o->max_occupancy = 0.85;
    o->channel = "voice";
    o->concurrency = 1;
    o->reply_within_s = TOCSIN_STAFF_DEFAULT_REPLY_S;
}

/* Options that only make sense for another channel are usage mistakes. */
static int check_usage(const struct opts *o)
{
    int email = !strcmp(o->channel, "email");

    if (!o->have_contacts)
        return tocsin_cli_usage(CMD, "--contacts is required");
    if (!o->have_over)
        return tocsin_cli_usage(CMD, "--over is required");
    if (o->have_concurrency && strcmp(o->channel, "chat"))
        return tocsin_cli_usage(CMD, "--concurrency applies to --channel "
                                     "chat only");
    if (o->have_reply && !email)
        return tocsin_cli_usage(CMD, "--reply-within applies to --channel "
                                     "email only");
    if (o->have_target && email)
        return tocsin_cli_usage(CMD, "--target applies to voice and chat; "
                                     "email uses --reply-within");
    return 0;
}

static int run(const struct opts *o, struct tocsin_error *err)
{
    struct tocsin_staff_channel ch;
    struct tocsin_staff_model m;
    struct tocsin_staff_cell *cells = NULL;
    double *contacts = NULL;
    size_t n, i, peak_i = 0;
    int64_t peak = 0, horizon;
    int rc;

    memset(&ch, 0, sizeof ch);
    memset(&m, 0, sizeof m);
    ch.name = o->channel;
    ch.kind = tocsin_staff_kind_of(o->channel);
    ch.share = 1;
    ch.aht_s = o->aht_s;
    ch.target_sl = o->target_sl;
    ch.target_s = o->target_s;
    ch.concurrency = o->concurrency;
    ch.reply_within_s = o->reply_within_s;
    /* Email replies run on after the last arrival: show them all. */
    horizon = o->over_s;
    if (ch.kind == TOCSIN_STAFF_DEFERRED) {
        if (o->reply_within_s > TOCSIN_DURATION_MAX - horizon)
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                    "--over plus --reply-within is longer "
                                    "than 100 years");
        horizon += o->reply_within_s;
    }
    m.interval_s = o->have_interval ? o->interval_s : o->over_s;
    m.horizon_s = horizon;
    m.shrinkage = o->shrinkage;
    m.max_occupancy = o->max_occupancy;
    m.half_life_s = 1; /* no response curve: contacts are given */
    m.channels = &ch;
    m.n_channels = 1;
    n = tocsin_staff_n_intervals(&m);
    if (n > TOCSIN_STAFF_MAX_INTERVALS) {
        tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                         "%zu intervals is more than %zu", n,
                         TOCSIN_STAFF_MAX_INTERVALS);
        tocsin_error_hint(err, "use a longer --interval");
        return TOCSIN_EINPUT;
    }
    contacts = tocsin_xcalloc(n, sizeof *contacts);
    cells = tocsin_xcalloc(n, sizeof *cells);
    for (i = 0; i < n; i++) {
        int64_t from = (int64_t)i * m.interval_s;
        int64_t to = from + m.interval_s;

        if (to > o->over_s)
            to = o->over_s;
        if (to > from)
            contacts[i] = o->contacts * (double)(to - from) /
                          (double)o->over_s;
    }
    if ((rc = tocsin_staff_size(cells, &m, 0, contacts, err)))
        goto out;
    for (i = 0; i < n; i++)
        if (cells[i].agents > peak) {
            peak = cells[i].agents;
            peak_i = i;
        }
    if (o->json)
        rc = print_json(o, &m, cells, n, peak);
    else
        rc = print_table(o, &m, cells, n, peak, peak_i);
    if (rc)
        tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                         "cannot write the output");
out:
    free(contacts);
    free(cells);
    return rc;
}

int tocsin_cmd_staff(struct tocsin_cli *cli, int argc, char **argv)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct opts o;
    int c, rc;

    defaults(&o);
    optind = 0; /* GNU getopt: reinitialise for this argv */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == 'h' || c == OPT_HELP) {
            usage_help();
            return 0;
        }
        if (c == ':')
            return tocsin_cli_usage(CMD, "'%s' needs a value",
                                    argv[optind - 1]);
        if (c == '?')
            return tocsin_cli_usage(CMD, "unknown option '%s'",
                                    argv[optind - 1]);
        if (c == OPT_JSON)
            o.json = 1;
        else if ((rc = take(&o, c, optarg, &err)))
            goto out;
    }
    if (optind < argc)
        return tocsin_cli_usage(CMD, "unexpected argument '%s'",
                                argv[optind]);
    if ((rc = check_usage(&o)))
        return rc;
    rc = run(&o, &err);
out:
    if (!rc)
        return 0;
    /* The model's messages say "staffing: " for playbooks; here the
     * command name says it. */
    if (!strncmp(err.msg, "staffing: ", 10))
        memmove(err.msg, err.msg + 10, strlen(err.msg + 10) + 1);
    tocsin_error_at(&err, "tocsin " CMD, 0);
    return tocsin_cli_error(cli, &err);
}
