/* fuzz_transport.c — libFuzzer target for the transport problem parser and the
 * plan checker: whatever the bytes, tp_parse either accepts (and then every box
 * id, site and matrix entry is sane) or refuses with a message; an accepted small
 * problem is planned briefly and its plan must pass the checker; the checker
 * must survive the input read as a plan, too.
 *
 *   make fuzz   (or: make -f fuzz/fuzz.mk run FUZZ_TARGETS=transport) */
#include "transport/transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUST(cond)                                                                                          \
    do {                                                                                                    \
        if (!(cond)) {                                                                                      \
            fprintf(stderr, "fuzz_transport: %s:%d: %s\n", __FILE__, __LINE__, #cond);                     \
            abort();                                                                                        \
        }                                                                                                   \
    } while (0)

/* A fixed problem the input is checked against as a plan. */
static const char fixed[] =
    "{\"hub\":\"LAB\",\"deadline_min\":40,\"service_min\":3,"
    "\"sites\":[{\"id\":\"A\",\"first_seal\":0,\"every_min\":60,\"last_seal\":60,\"boxes_per_seal\":2}],"
    "\"vehicles\":[{\"id\":\"V1\",\"start\":0,\"end\":600,\"capacity\":2}],"
    "\"matrix\":{\"ids\":[\"LAB\",\"A\"],\"minutes\":[[0,10],[10,0]],\"km\":[[0,1],[1,0]]}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!j)
        return 0;
    tp_problem p;
    char err[400];
    tp_limits lim = {.max_boxes = 200, .max_locations = 50, .max_vehicles = 20};
    int rc = tp_parse(j, &lim, &p, err, sizeof err);
    if (rc) {
        MUST(err[0] != '\0' && strlen(err) < sizeof err);
    } else {
        MUST(p.nbox >= 1 && p.nsite >= 1 && p.nveh >= 1 && p.hub >= 0 && p.hub < p.nloc);
        for (int b = 0; b < p.nbox; b++)
            MUST(p.box[b].site >= 0 && p.box[b].site < p.nsite && strchr(p.box[b].id, '@'));
        plan_options o = {.seed = 1, .iterations = 20, .seconds = 1};
        json_t *plan = tp_plan(&p, &o), *v = json_array();
        MUST(plan && v);
        int n = tp_check(&p, plan, v);
        if (n)
            fprintf(stderr, "fuzz_transport: %s\n", json_string_value(json_array_get(v, 0)));
        MUST(n == 0);
        json_decref(plan);
        json_decref(v);
        tp_free(&p);
    }
    /* the input as a plan for the fixed problem */
    json_t *fj = json_loads(fixed, 0, NULL), *v = json_array();
    MUST(fj && v && tp_parse(fj, NULL, &p, err, sizeof err) == TP_OK);
    int n = tp_check(&p, j, v);
    MUST(n >= 0 && (n == 0 || json_array_size(v) > 0));
    tp_free(&p);
    json_decref(fj);
    json_decref(v);
    json_decref(j);
    return 0;
}
