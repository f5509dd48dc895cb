/*
 * playbook.c - lookups in a loaded playbook and its release. Loading is
 * dsl.c's; calling 'where' functions is too (only it touches Lua).
 */
#include "tocsin/playbook.h"
#include "tocsin/mem.h"
#include "tocsin/sandbox.h"
#include "tocsin/template.h"

#include <stdlib.h>
#include <string.h>

const struct tocsin_wave *tocsin_playbook_wave(const struct tocsin_playbook *pb,
                                               const char *name)
{
    size_t i;

    for (i = 0; i < pb->n_waves; i++)
        if (!strcmp(pb->waves[i].name, name))
            return &pb->waves[i];
    return NULL;
}

const struct tocsin_template_def *
tocsin_playbook_template(const struct tocsin_playbook *pb, const char *name)
{
    size_t i;

    for (i = 0; i < pb->n_templates; i++)
        if (!strcmp(pb->templates[i].name, name))
            return &pb->templates[i];
    return NULL;
}

int tocsin_playbook_audience_index(const struct tocsin_playbook *pb,
                                   const char *name)
{
    size_t i;

    for (i = 0; i < pb->n_audiences; i++)
        if (!strcmp(pb->audiences[i].name, name))
            return (int)i;
    return -1;
}

const struct tocsin_param *tocsin_playbook_param(const struct tocsin_playbook *pb,
                                                 const char *name)
{
    size_t i;

    for (i = 0; i < pb->n_params; i++)
        if (!strcmp(pb->params[i].name, name))
            return &pb->params[i];
    return NULL;
}

const struct tocsin_compensation *
tocsin_playbook_compensation(const struct tocsin_playbook *pb,
                             const char *name)
{
    size_t i;

    for (i = 0; i < pb->n_compensations; i++)
        if (!strcmp(pb->compensations[i].name, name))
            return &pb->compensations[i];
    return NULL;
}

const struct tocsin_template_part *
tocsin_template_part(const struct tocsin_template_locale *tl,
                     const char *part)
{
    size_t i;

    for (i = 0; i < tl->n_parts; i++)
        if (!strcmp(tl->parts[i].name, part))
            return &tl->parts[i];
    return NULL;
}

void tocsin_playbook_free(struct tocsin_playbook *pb)
{
    size_t i, j, k;

    if (!pb)
        return;
    free(pb->path);
    free(pb->source);
    free(pb->id);
    free(pb->title);
    free(pb->summary);
    tocsin_strv_free(pb->jurisdictions, pb->n_jurisdictions);
    json_decref(pb->sample);
    for (i = 0; i < pb->n_params; i++) {
        free(pb->params[i].name);
        free(pb->params[i].default_value);
        free(pb->params[i].value);
        free(pb->params[i].doc);
        tocsin_strv_free(pb->params[i].choices, pb->params[i].n_choices);
    }
    free(pb->params);
    for (i = 0; i < pb->n_audiences; i++) {
        free(pb->audiences[i].name);
        free(pb->audiences[i].doc);
    }
    free(pb->audiences);
    for (i = 0; i < pb->n_compensations; i++) {
        free(pb->compensations[i].name);
        free(pb->compensations[i].kind);
        free(pb->compensations[i].amount);
        free(pb->compensations[i].codes_path);
        free(pb->compensations[i].doc);
    }
    free(pb->compensations);
    for (i = 0; i < pb->n_deadlines; i++) {
        free(pb->deadlines[i].name);
        free(pb->deadlines[i].from);
        free(pb->deadlines[i].wave);
    }
    free(pb->deadlines);
    tocsin_strv_free(pb->staffing.baseline_channels,
                     pb->staffing.n_baseline);
    free(pb->staffing.baseline_agents);
    for (i = 0; i < pb->staffing.n_mix; i++)
        free(pb->staffing.mix[i].channel);
    free(pb->staffing.mix);
    free(pb->staffing.surge_channel);
    free(pb->staffing.surge_template);
    tocsin_strv_free(pb->staffing.surge_max_channels,
                     pb->staffing.n_surge_max);
    free(pb->staffing.surge_max_agents);
    for (i = 0; i < pb->n_waves; i++) {
        struct tocsin_wave *w = &pb->waves[i];

        free(w->name);
        free(w->until_event);
        free(w->on_event);
        free(w->audience);
        tocsin_strv_free(w->channels, w->n_channels);
        free(w->template_name);
        free(w->approval);
        free(w->compensation);
    }
    free(pb->waves);
    for (i = 0; i < pb->n_templates; i++) {
        struct tocsin_template_def *t = &pb->templates[i];

        for (j = 0; j < t->n_locales; j++) {
            struct tocsin_template_locale *l = &t->locales[j];

            for (k = 0; k < l->n_parts; k++) {
                free(l->parts[k].name);
                free(l->parts[k].source);
                tocsin_tpl_free(l->parts[k].tpl);
            }
            free(l->parts);
            free(l->locale);
        }
        free(t->locales);
        free(t->name);
        tocsin_strv_free(t->disabled_rules, t->n_disabled);
        tocsin_strv_free(t->disabled_reasons, t->n_disabled);
    }
    free(pb->templates);
    tocsin_sandbox_free(pb->sb);
    free(pb);
}
