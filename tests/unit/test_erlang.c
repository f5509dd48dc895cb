/*
 * test_erlang.c - Erlang C against published figures, and the properties a
 * staffing planner relies on: more traffic never needs fewer agents, every
 * added agent helps, and thousands of agents stay finite.
 */
#include "unit.h"

#include <math.h>

#include <csv.h>

#include "tocsin/staffing.h"

#define MAX_FIELDS 32
#define MAX_ROWS 256

struct table {
    char *cell[MAX_ROWS][MAX_FIELDS];
    size_t n_fields[MAX_ROWS];
    size_t n_rows;
    int overflow;
};

static void on_field(void *s, size_t len, void *data)
{
    struct table *t = data;
    size_t r = t->n_rows, f;
    char *copy;

    if (r >= MAX_ROWS || t->n_fields[r] >= MAX_FIELDS) {
        t->overflow = 1;
        return;
    }
    f = t->n_fields[r]++;
    copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, s, len);
    copy[len] = '\0';
    t->cell[r][f] = copy;
}

static void on_row(int c, void *data)
{
    struct table *t = data;

    (void)c;
    if (t->n_rows < MAX_ROWS)
        t->n_rows++;
}

static void table_free(struct table *t)
{
    size_t r, f;

    for (r = 0; r < MAX_ROWS; r++)
        for (f = 0; f < t->n_fields[r]; f++)
            free(t->cell[r][f]);
}

/* Read the TSV; returns 0, or -1 when the conformance folder is absent. */
static int table_read(struct table *t, const char *name)
{
    const char *dir = unit_conformance_dir();
    struct csv_parser p;
    char path[1024], buf[4096];
    FILE *f;
    size_t n;

    memset(t, 0, sizeof *t);
    if (!dir)
        return -1;
    assert_true(strlen(dir) + strlen(name) + 2 < sizeof path);
    memcpy(path, dir, strlen(dir) + 1);
    memcpy(path + strlen(dir), "/", 2);
    memcpy(path + strlen(path), name, strlen(name) + 1);
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "note: '%s' is absent; its cases are skipped\n",
                path);
        return -1;
    }
    assert_int_equal(csv_init(&p, 0), 0);
    csv_set_delim(&p, '\t');
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        assert_int_equal(csv_parse(&p, buf, n, on_field, on_row, t), n);
    csv_fini(&p, on_field, on_row, t);
    csv_free(&p);
    fclose(f);
    assert_false(t->overflow);
    return 0;
}

static int column(const struct table *t, const char *name)
{
    size_t f;

    for (f = 0; f < t->n_fields[0]; f++)
        if (!strcmp(t->cell[0][f], name))
            return (int)f;
    fail_msg("erlang-c.tsv has no column '%s'", name);
    return -1;
}

static const char *get(const struct table *t, size_t r, const char *name)
{
    int c = column(t, name);

    return (size_t)c < t->n_fields[r] ? t->cell[r][c] : "";
}

/* A number cell; 'present' says whether the source asserts it. */
static double num(const struct table *t, size_t r, const char *name,
                  int *present)
{
    const char *s = get(t, r, name);
    char *end;
    double v;

    if (!*s) {
        if (present)
            *present = 0;
        return 0;
    }
    v = strtod(s, &end);
    if (*end)
        fail_msg("row %zu: '%s' is not a number: '%s'", r, name, s);
    if (present)
        *present = 1;
    return v;
}

/* Half a unit in the last decimal written in cell 's': a value published
 * as 10.64450609 cannot be checked to 1e-9, whatever the row's tolerance
 * says (SELF-large-2000E's asa_s is exactly 10.644506094...). */
static double published_precision(const char *s)
{
    const char *dot = strchr(s, '.');
    double half = 0.5;
    size_t i;

    if (!dot || strpbrk(s, "eE"))
        return 0;
    for (i = 1; dot[i] >= '0' && dot[i] <= '9'; i++)
        half /= 10;
    return half;
}

static void near(const struct table *t, size_t r, const char *what,
                 double got, double tol)
{
    const char *id = get(t, r, "case_id");
    const char *cell = get(t, r, what);
    double want = num(t, r, what, NULL);

    if (published_precision(cell) > tol)
        tol = published_precision(cell);
    if (!isfinite(got) || fabs(got - want) > tol)
        fail_msg("%s: %s is %.12g, want %.12g (tolerance %g)", id, what, got,
                 want, tol);
}

/* The integer answer the README puts in 'note' for the fractional rows:
 * "... should instead return 14 ..." or "... integer answer 106 ...". */
static long long note_integer(const char *note)
{
    const char *keys[] = {"integer answer ", "should instead return "};
    size_t i;

    for (i = 0; i < 2; i++) {
        const char *p = strstr(note, keys[i]);
        char *end;
        long long v;

        if (!p)
            continue;
        p += strlen(keys[i]);
        v = strtoll(p, &end, 10);
        if (end != p)
            return v;
    }
    fail_msg("note has no integer answer: '%s'", note);
    return -1;
}

static void check_solve_sl(const struct table *t, size_t r, const char *id,
                           double a, double aht, double tol)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_erlang_goal g;
    struct tocsin_erlang e;
    double answer = num(t, r, "target_answer_s", NULL), shrink;
    int has, rc;

    memset(&g, 0, sizeof g);
    g.service_level = num(t, r, "target_sl", NULL);
    g.answer_s = answer;
    g.max_occupancy = num(t, r, "max_occupancy", NULL);
    rc = tocsin_erlang_solve(&e, a, aht, &g, &err);
    if (rc)
        fail_msg("%s: solve failed: %s", id, err.msg);
    if (e.agents != (int64_t)num(t, r, "agents", NULL))
        fail_msg("%s: %lld agents, want %s", id, (long long)e.agents,
                 get(t, r, "agents"));
    if (num(t, r, "service_level", &has), has)
        near(t, r, "service_level", e.service_level, tol);
    if (num(t, r, "p_wait", &has), has)
        near(t, r, "p_wait", e.p_wait, tol);
    if (num(t, r, "occupancy", &has), has)
        near(t, r, "occupancy", e.occupancy, tol);
    if (num(t, r, "asa_s", &has), has)
        near(t, r, "asa_s", e.asa_s, tol);
    if (num(t, r, "queue_len", &has), has)
        near(t, r, "queue_len", e.queue_len, tol);

    /* Shrinkage goes through the staffing model, which takes whole
     * seconds: rows with a fractional answer time (19.8 s) are checked
     * above only. */
    shrink = num(t, r, "shrinkage", &has);
    if (has && answer == floor(answer)) {
        struct tocsin_staff_channel ch;
        struct tocsin_staff_model m;
        struct tocsin_staff_cell cell;
        double calls = num(t, r, "calls", NULL);

        memset(&ch, 0, sizeof ch);
        memset(&m, 0, sizeof m);
        ch.name = "voice";
        ch.kind = TOCSIN_STAFF_QUEUE;
        ch.share = 1;
        ch.aht_s = (int64_t)aht;
        ch.target_sl = g.service_level;
        ch.target_s = (int64_t)answer;
        m.interval_s = (int64_t)num(t, r, "interval_s", NULL);
        m.horizon_s = m.interval_s;
        m.shrinkage = shrink;
        m.max_occupancy = g.max_occupancy;
        m.half_life_s = 3600;
        m.channels = &ch;
        m.n_channels = 1;
        rc = tocsin_staff_size(&cell, &m, 0, &calls, &err);
        if (rc)
            fail_msg("%s: sizing failed: %s", id, err.msg);
        if (cell.agents_on_task != e.agents ||
            cell.agents != (int64_t)num(t, r, "agents_with_shrinkage", NULL))
            fail_msg("%s: %lld agents (%lld on task), want %s", id,
                     (long long)cell.agents, (long long)cell.agents_on_task,
                     get(t, r, "agents_with_shrinkage"));
    }
}

static void check_eval(const struct table *t, size_t r, const char *id,
                       double a, double aht, double tol)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_erlang e;
    int has_asa, has_lq;

    num(t, r, "asa_s", &has_asa);
    num(t, r, "queue_len", &has_lq);

    if (tocsin_erlang_eval(&e, a, (int64_t)num(t, r, "agents", NULL), aht, 0,
                           &err))
        fail_msg("%s: eval failed: %s", id, err.msg);
    if (!has_asa && !has_lq)
        fail_msg("%s: an eval row asserts neither asa_s nor queue_len", id);
    if (has_asa)
        near(t, r, "asa_s", e.asa_s, tol);
    if (has_lq)
        near(t, r, "queue_len", e.queue_len, tol);
}

static void check_solve_asa(const struct table *t, size_t r, const char *id,
                            double a, double aht)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_erlang_goal g;
    struct tocsin_erlang e, fewer;
    double frac = num(t, r, "agents", NULL);
    long long want = note_integer(get(t, r, "note"));

    memset(&g, 0, sizeof g);
    g.asa_s = num(t, r, "asa_s", NULL);
    g.max_occupancy = 1;
    if (tocsin_erlang_solve(&e, a, aht, &g, &err))
        fail_msg("%s: solve failed: %s", id, err.msg);
    if (e.agents != want)
        fail_msg("%s: %lld agents for ASA <= %g s, want %lld", id,
                 (long long)e.agents, g.asa_s, want);
    /* The source's fractional N lies in (N - 1, N]. */
    if (!(frac > (double)want - 1 && frac <= (double)want))
        fail_msg("%s: fractional %g is not within (%lld, %lld]", id, frac,
                 want - 1, want);
    assert_true(e.asa_s <= g.asa_s);
    assert_int_equal(tocsin_erlang_eval(&fewer, a, e.agents - 1, aht, 0,
                                        &err), 0);
    assert_true(fewer.asa_s > g.asa_s);
}

static void test_erlang_conformance_every_row(void **state)
{
    struct table t;
    size_t r, checked = 0;

    (void)state;
    if (table_read(&t, "erlang-c/erlang-c.tsv"))
        skip();
    assert_true(t.n_rows > 1);
    for (r = 1; r < t.n_rows; r++) {
        const char *id = get(&t, r, "case_id");
        const char *mode = get(&t, r, "mode");
        double calls = num(&t, r, "calls", NULL);
        double interval = num(&t, r, "interval_s", NULL);
        double aht = num(&t, r, "aht_s", NULL);
        double tol = num(&t, r, "tolerance", NULL);
        double a = calls * aht / interval;

        if (t.n_fields[r] == 1 && !*t.cell[r][0])
            continue; /* a blank line */
        if (!strcmp(mode, "solve_sl"))
            check_solve_sl(&t, r, id, a, aht, tol);
        else if (!strcmp(mode, "eval"))
            check_eval(&t, r, id, a, aht, tol);
        else if (!strcmp(mode, "solve_asa_continuous"))
            check_solve_asa(&t, r, id, a, aht);
        else
            fail_msg("%s: unknown mode '%s'", id, mode);
        checked++;
    }
    fprintf(stderr, "note: erlang-c.tsv: %zu rows checked\n", checked);
    assert_int_equal(checked, t.n_rows - 1);
    table_free(&t);
}

static int64_t agents_for(double a, double aht, double sl, double answer,
                          double occ)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_erlang_goal g = {sl, answer, 0, occ, 0};
    struct tocsin_erlang e;

    if (tocsin_erlang_solve(&e, a, aht, &g, &err))
        fail_msg("A=%g: %s", a, err.msg);
    assert_true(isfinite(e.service_level) && isfinite(e.asa_s) &&
                isfinite(e.p_wait) && isfinite(e.queue_len));
    assert_true(e.service_level >= sl - 1e-12);
    assert_true(e.occupancy <= occ + 1e-12);
    return e.agents;
}

static void test_erlang_more_traffic_never_needs_fewer_agents(void **state)
{
    static const struct {
        double sl, answer, aht, occ;
    } goals[] = {
        {0.80, 20, 180, 0.85}, {0.90, 15, 300, 1.0}, {0.95, 60, 600, 0.90},
        {0.50, 0, 240, 1.0},   {0.99, 5, 30, 0.75},
    };
    size_t k;

    (void)state;
    for (k = 0; k < sizeof goals / sizeof goals[0]; k++) {
        int64_t prev = 0;
        double a;

        for (a = 0.01; a < 600; a *= 1.07) {
            int64_t n = agents_for(a, goals[k].aht, goals[k].sl,
                                   goals[k].answer, goals[k].occ);

            if (n < prev)
                fail_msg("goal %zu: A=%g needs %lld agents, fewer than %lld "
                         "for less traffic", k, a, (long long)n,
                         (long long)prev);
            assert_true((double)n > a);
            prev = n;
        }
    }
}

static void test_erlang_every_agent_improves_service(void **state)
{
    static const double loads[] = {0.3, 4.5, 10, 57.2, 333.3, 1500};
    size_t k;

    (void)state;
    for (k = 0; k < sizeof loads / sizeof loads[0]; k++) {
        double a = loads[k];
        int64_t n = (int64_t)floor(a) + 1;
        struct tocsin_erlang prev, e;

        assert_int_equal(tocsin_erlang_eval(&prev, a, n, 180, 20, NULL), 0);
        for (n++; n < (int64_t)a + 120; n++) {
            assert_int_equal(tocsin_erlang_eval(&e, a, n, 180, 20, NULL), 0);
            assert_true(e.service_level >= prev.service_level);
            assert_true(e.p_wait <= prev.p_wait);
            assert_true(e.asa_s <= prev.asa_s);
            assert_true(e.queue_len <= prev.queue_len);
            assert_true(e.service_level >= 0 && e.service_level <= 1);
            prev = e;
        }
    }
}

static void test_erlang_thousands_of_agents_stay_finite(void **state)
{
    struct tocsin_erlang_goal g = {0.80, 20, 0, 1.0, 0};
    struct tocsin_erlang e;

    (void)state;
    assert_int_equal(tocsin_erlang_solve(&e, 2000, 300, &g, NULL), 0);
    assert_int_equal(e.agents, 2017);
    assert_int_equal(tocsin_erlang_eval(&e, 9900, 10000, 360, 20, NULL), 0);
    assert_true(isfinite(e.p_wait) && e.p_wait > 0 && e.p_wait < 1);
    assert_true(isfinite(e.service_level) && e.service_level > 0 &&
                e.service_level < 1);
    assert_true(isfinite(e.asa_s) && e.asa_s > 0);
    assert_true(isfinite(e.queue_len));
    g.max_occupancy = 0.85;
    assert_int_equal(tocsin_erlang_solve(&e, 8500, 360, &g, NULL), 0);
    assert_int_equal(e.agents, 10000);
    assert_true(e.service_level > 0.999);
    /* Far past the traffic, B underflows to 0: still no NaN. */
    assert_int_equal(tocsin_erlang_eval(&e, 3, 10000, 180, 20, NULL), 0);
    assert_true(e.p_wait == 0 && e.service_level == 1 && e.asa_s == 0);
}

/* The solver starts the Erlang B recurrence a dozen standard deviations
 * below A instead of at 0; it must agree with the whole recurrence. */
static void test_erlang_warm_start_matches_full_recurrence(void **state)
{
    static const double loads[] = {0.5, 150, 1000, 9900, 123456.7, 900000};
    size_t k;

    (void)state;
    for (k = 0; k < sizeof loads / sizeof loads[0]; k++) {
        double a = loads[k], spread[] = {0, 1, 5};
        size_t j;

        for (j = 0; j < 3; j++) {
            int64_t n = (int64_t)floor(a + spread[j] * sqrt(a)) + 1, i;
            double b = 1, c;
            struct tocsin_erlang e;

            for (i = 1; i <= n; i++)
                b = a * b / ((double)i + a * b);
            c = (double)n * b / ((double)n - a * (1 - b));
            assert_int_equal(tocsin_erlang_eval(&e, a, n, 180, 20, NULL), 0);
            if (fabs(e.p_wait - c) > 1e-12 * c)
                fail_msg("A=%g N=%lld: p_wait %.17g, full recurrence %.17g",
                         a, (long long)n, e.p_wait, c);
        }
    }
}

static void expect_einput(int rc, const struct tocsin_error *err,
                          const char *needle)
{
    assert_int_equal(rc, TOCSIN_EINPUT);
    if (!strstr(err->msg, needle))
        fail_msg("error '%s' does not mention '%s'", err->msg, needle);
}

static void test_erlang_impossible_goals_are_input_errors(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_erlang_goal g = {1.0, 0, 0, 0.85, 0};
    struct tocsin_erlang e;

    (void)state;
    expect_einput(tocsin_erlang_solve(&e, 10, 180, &g, &err), &err,
                  "cannot be met");
    tocsin_error_clear(&err);
    g.service_level = 0.8;
    g.max_occupancy = 0;
    expect_einput(tocsin_erlang_solve(&e, 10, 180, &g, &err), &err,
                  "occupancy");
    tocsin_error_clear(&err);
    g.max_occupancy = 0.85;
    expect_einput(tocsin_erlang_solve(&e, 10, 0, &g, &err), &err,
                  "handle time");
    tocsin_error_clear(&err);
    expect_einput(tocsin_erlang_solve(&e, NAN, 180, &g, &err), &err,
                  "traffic");
    tocsin_error_clear(&err);
    expect_einput(tocsin_erlang_solve(&e, -1, 180, &g, &err), &err,
                  "traffic");
    tocsin_error_clear(&err);
    expect_einput(tocsin_erlang_solve(&e, 1e300, 180, &g, &err), &err,
                  "traffic");
    tocsin_error_clear(&err);
    expect_einput(tocsin_erlang_solve(&e, 10, INFINITY, &g, &err), &err,
                  "handle time");
    tocsin_error_clear(&err);
    g.service_level = NAN;
    expect_einput(tocsin_erlang_solve(&e, 10, 180, &g, &err), &err,
                  "service level");
    tocsin_error_clear(&err);
    g.service_level = 0.8;
    g.asa_s = -5;
    expect_einput(tocsin_erlang_solve(&e, 10, 180, &g, &err), &err,
                  "speed of answer");
    tocsin_error_clear(&err);
    g.asa_s = 0;
    g.max_agents = 12;
    expect_einput(tocsin_erlang_solve(&e, 10, 180, &g, &err), &err,
                  "more than 12 agents");
    tocsin_error_clear(&err);
    expect_einput(tocsin_erlang_eval(&e, 10, 10, 180, 20, &err), &err,
                  "without bound");
    tocsin_error_clear(&err);
    expect_einput(tocsin_erlang_eval(&e, 10, 20, 180, -1, &err), &err,
                  "answer time");
}

static void test_erlang_zero_traffic_needs_nobody(void **state)
{
    struct tocsin_erlang_goal g = {0.8, 20, 0, 0.85, 0};
    struct tocsin_erlang e;

    (void)state;
    assert_int_equal(tocsin_erlang_solve(&e, 0, 180, &g, NULL), 0);
    assert_int_equal(e.agents, 0);
    assert_true(e.service_level == 1 && e.asa_s == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erlang_conformance_every_row),
        cmocka_unit_test(test_erlang_more_traffic_never_needs_fewer_agents),
        cmocka_unit_test(test_erlang_every_agent_improves_service),
        cmocka_unit_test(test_erlang_thousands_of_agents_stay_finite),
        cmocka_unit_test(test_erlang_warm_start_matches_full_recurrence),
        cmocka_unit_test(test_erlang_impossible_goals_are_input_errors),
        cmocka_unit_test(test_erlang_zero_traffic_needs_nobody),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
