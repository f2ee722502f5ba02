/* bench/search — search latency on a registry database, in process (no HTTP):
 * for each kind of search the contract names, runs it for a sample of real
 * people and prints p50 / p99 / max in microseconds as a markdown table.
 * Usage: build/bench/search DB [SAMPLES] [SCOPE-AREA-CODE] */
#include "core/area.h"
#include "core/person.h"
#include "db/db.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct sample {
    char name[128], id[40], last4[8], phone[24], phone4[8], address[256], prefix[16];
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: search DB [SAMPLES] [SCOPE-AREA-CODE]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 2000;
    char err[256];
    db_options opt = DB_OPTIONS_DEFAULT;
    db *d = db_open(argv[1], &opt, err, sizeof err);
    if (!d) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    db_conn *c = db_reader(d);
    area scope = {0};
    if (argc > 3 && area_get(c, argv[3], &scope) != DB_ROW) {
        fprintf(stderr, "no area %s\n", argv[3]);
        return 1;
    }
    int64_t total = 0, max_id = 0, min_id = 0;
    db_query_i64(c, "SELECT COUNT(*) FROM persons", &total);
    db_query_i64(c, "SELECT MAX(id) FROM persons", &max_id);
    db_query_i64(c, "SELECT MIN(id) FROM persons", &min_id);
    struct sample *s = calloc((size_t)n, sizeof *s);
    srand(12345);
    int got = 0;
    for (int i = 0; got < n && i < n * 4; i++) { /* people picked at random by id */
        int64_t pick = min_id + (int64_t)((double)rand() / RAND_MAX * (double)(max_id - min_id));
        db_stmt *q = db_prepare(c, "SELECT p.name, p.id_number, p.phone, COALESCE(h.address_key, '')"
                                   " FROM persons p LEFT JOIN households h ON h.id = p.household_id"
                                   " WHERE p.id >= $1 ORDER BY p.id LIMIT 1");
        db_bind_i64(q, 1, pick);
        if (db_step(q) == DB_ROW) {
            struct sample *x = &s[got++];
            fx_copy(x->name, sizeof x->name, db_col_text(q, 0));
            fx_copy(x->id, sizeof x->id, db_col_text(q, 1));
            fx_copy(x->last4, sizeof x->last4, x->id + strlen(x->id) - 4);
            fx_copy(x->phone, sizeof x->phone, db_col_text(q, 2));
            fx_copy(x->phone4, sizeof x->phone4, x->phone[0] ? x->phone + strlen(x->phone) - 4 : "0000");
            fx_copy(x->address, sizeof x->address, db_col_text(q, 3));
            fx_copy(x->prefix, sizeof x->prefix, x->name); /* the surname: 3 bytes */
            x->prefix[3] = '\0';
        }
        db_done(q);
    }
    static const char *const kinds[] = {"exact name", "surname prefix", "full ID number", "ID last 4 in area",
                                        "full phone", "phone last 4 in area", "address prefix"};
    printf("%lld persons; %d people sampled; scope %s; up to 50 results per search\n\n", (long long)total, got,
           scope.id ? scope.code : "(everything)");
    printf("| search | p50 µs | p99 µs | max µs | mean results |\n|---|---|---|---|---|\n");
    person *out = malloc(sizeof *out * 50);
    double *lat = malloc(sizeof *lat * (size_t)got);
    for (int k = 0; k < 7; k++) {
        long results = 0;
        for (int i = 0; i < got; i++) {
            person_query q = {.scope_path = scope.id ? scope.path : NULL};
            switch (k) {
            case 0: q.name = s[i].name; break;
            case 1: q.name = s[i].prefix; break;
            case 2: q.id_number = s[i].id; break;
            case 3: q.q = s[i].last4; break;
            case 4: q.phone = s[i].phone; break;
            case 5: q.phone = s[i].phone4; break;
            default: q.address = s[i].address[0] ? s[i].address : s[i].name; break;
            }
            fx_err e = {0};
            double t0 = now_us();
            int r = person_search(c, &q, out, 50, &e);
            lat[i] = now_us() - t0;
            results += r > 0 ? r : 0;
        }
        qsort(lat, (size_t)got, sizeof *lat, cmp);
        printf("| %s | %.0f | %.0f | %.0f | %.1f |\n", kinds[k], lat[got / 2], lat[got * 99 / 100], lat[got - 1],
               (double)results / got);
    }
    free(out);
    free(lat);
    free(s);
    db_close(d);
    return 0;
}
