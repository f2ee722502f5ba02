/* osrm.c — the OSRM /table client (see osrm.h). */
#include "transport/osrm.h"

#include "transport/transport.h"
#include "util/fx_str.h"

#include <curl/curl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX ((size_t)64 << 20)
#define CONNECT_S 5
#define TIMEOUT_S 30

static char default_url[512];

void tp_osrm_set_default(const char *url) { fx_copy(default_url, sizeof default_url, url ? url : ""); }
const char *tp_osrm_default(void) { return default_url; }

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return TP_BAD;
}

/* rows: n arrays of n numbers ≥ 0 (null: no route). */
static bool rows(const json_t *a, size_t n, const char *name, const json_t *ids, double scale, bool up, json_t *out,
                 char *err, size_t en)
{
    if (!json_is_array(a) || json_array_size(a) != n) {
        fail(err, en, "the answer's %s must be %zu rows (one per place); it has %s%zu", name, n,
             json_is_array(a) ? "" : "none, or not a list: ", json_is_array(a) ? json_array_size(a) : 0);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *r = json_array_get(a, i);
        if (!json_is_array(r) || json_array_size(r) != n) {
            fail(err, en, "the answer's %s[%zu] must have %zu numbers", name, i, n);
            return false;
        }
        json_t *row = json_array();
        json_array_append_new(out, row);
        for (size_t j = 0; j < n; j++) {
            const json_t *x = json_array_get(r, j);
            if (json_is_null(x)) {
                fail(err, en, "the answer's %s[%zu][%zu] is null: no route from %s to %s", name, i, j,
                     json_string_value(json_array_get(ids, i)), json_string_value(json_array_get(ids, j)));
                return false;
            }
            double v = json_number_value(x);
            if (!json_is_number(x) || !(v >= 0) || v > 1e9) {
                fail(err, en, "the answer's %s[%zu][%zu] must be a number 0 or more", name, i, j);
                return false;
            }
            v = up ? ceil(v * scale - 1e-9) : round(v * scale * 1000) / 1000;
            json_array_append_new(row, up ? json_integer((json_int_t)v) : json_real(v));
        }
    }
    return true;
}

json_t *tp_osrm_parse(const char *body, size_t len, const json_t *ids, char *err, size_t en)
{
    json_error_t je;
    json_t *j = json_loadb(body, len, 0, &je);
    if (!json_is_object(j)) {
        fail(err, en, "the answer is not a JSON object (%s)", j ? "another JSON value" : je.text);
        json_decref(j);
        return NULL;
    }
    const char *code = json_string_value(json_object_get(j, "code"));
    if (!code || strcmp(code, "Ok") != 0) {
        const char *msg = json_string_value(json_object_get(j, "message"));
        fail(err, en, "the service answered code \"%s\"%s%s, not \"Ok\"", code ? code : "(none)", msg ? ": " : "",
             msg ? msg : "");
        json_decref(j);
        return NULL;
    }
    size_t n = json_array_size(ids);
    json_t *m = json_pack("{s:O, s:[], s:[]}", "ids", ids, "minutes", "km");
    bool ok = m && rows(json_object_get(j, "durations"), n, "durations", ids, 1.0 / 60, true,
                        json_object_get(m, "minutes"), err, en) &&
              rows(json_object_get(j, "distances"), n, "distances", ids, 1.0 / 1000, false, json_object_get(m, "km"),
                   err, en);
    json_decref(j);
    if (!ok) {
        json_decref(m);
        return NULL;
    }
    return m;
}

static size_t sink(char *p, size_t sz, size_t n, void *arg)
{
    fx_str *s = arg;
    return fx_str_add(s, p, sz * n) ? sz * n : 0;
}

json_t *tp_osrm_table(const char *url, const json_t *coords, char *err, size_t en)
{
    fx_str u, body;
    fx_str_init(&u, (size_t)1 << 20);
    fx_str_init(&body, ANSWER_MAX);
    json_t *ids = json_array(), *m = NULL;
    size_t ul = strlen(url);
    while (ul && url[ul - 1] == '/')
        ul--;
    fx_str_add(&u, url, ul);
    fx_str_adds(&u, "/table/v1/driving/");
    const char *k;
    json_t *v;
    int i = 0;
    json_object_foreach((json_t *)coords, k, v)
    {
        fx_str_addf(&u, "%s%.6f,%.6f", i++ ? ";" : "", json_number_value(json_array_get(v, 1)),
                    json_number_value(json_array_get(v, 0)));
        json_array_append_new(ids, json_string(k));
    }
    fx_str_adds(&u, "?annotations=duration,distance");
    CURL *h = u.overflow ? NULL : curl_easy_init();
    if (!h) {
        fail(err, en, "%s", u.overflow ? "too many places for one request" : "out of memory");
        goto out;
    }
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, u.p);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_S);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "fangxian");
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK)
        fail(err, en, "%.*s is unreachable: %s", (int)ul, url, cerr[0] ? cerr : curl_easy_strerror(rc));
    else if (status != 200) {
        /* OSRM answers errors as 400 with a JSON code: say it when there is one */
        char inner[300] = "";
        json_t *x = tp_osrm_parse(body.p ? body.p : "", body.len, ids, inner, sizeof inner);
        json_decref(x);
        if (!x && strstr(inner, "code \""))
            fail(err, en, "%.*s answered HTTP %ld, %s", (int)ul, url, status, inner);
        else
            fail(err, en, "%.*s answered HTTP %ld", (int)ul, url, status);
    } else if (!(m = tp_osrm_parse(body.p ? body.p : "", body.len, ids, err, en))) {
        char inner[300];
        fx_copy(inner, sizeof inner, err);
        fail(err, en, "%.*s: %s", (int)ul, url, inner);
    }
out:
    json_decref(ids);
    fx_str_free(&u);
    fx_str_free(&body);
    return m;
}

static bool coords_ok(const json_t *co)
{
    const char *k;
    json_t *v;
    if (!json_is_object(co) || json_object_size(co) < 2)
        return false;
    json_object_foreach((json_t *)co, k, v)
    {
        const json_t *a = json_array_get(v, 0), *b = json_array_get(v, 1);
        if (!*k || json_array_size(v) != 2 || !json_is_number(a) || !json_is_number(b) ||
            fabs(json_number_value(a)) > 90 || fabs(json_number_value(b)) > 180)
            return false;
    }
    return true;
}

int tp_osrm_apply(json_t *p, json_t *warnings, char *err, size_t en)
{
    if (!json_is_object(p))
        return 0;
    const json_t *o = json_object_get(p, "osrm");
    char url[512];
    if (o) {
        const char *s = json_string_value(o);
        if (!s || (strncmp(s, "http://", 7) && strncmp(s, "https://", 8)) || strlen(s) >= sizeof url ||
            strpbrk(s, " ?#\r\n"))
            return fail(err, en, "osrm: must be the service's address, http://host:port or https://… (no query)");
        if (json_object_get(p, "matrix"))
            return fail(err, en, "osrm: only used with coords; the matrix already has the travel times");
        fx_copy(url, sizeof url, s);
        json_object_del(p, "osrm");
    } else
        fx_copy(url, sizeof url, default_url);
    const json_t *co = json_object_get(p, "coords");
    if (!url[0] || !co || json_object_get(p, "matrix") || !coords_ok(co))
        return 0; /* nothing to fetch, or the parser names what is wrong */
    char why[400];
    json_t *m = tp_osrm_table(url, co, why, sizeof why);
    if (m) {
        json_object_del(p, "coords");
        json_object_del(p, "speed_kmh");
        json_object_del(p, "detour_factor");
        json_object_set_new(p, "matrix", m);
        return 0;
    }
    if (!json_object_get(p, "speed_kmh"))
        return fail(err, en, "osrm: %s; and no speed_kmh to fall back on", why);
    if (warnings) {
        char w[512];
        snprintf(w, sizeof w, "osrm: %s; travel times come from the coordinates at speed_kmh instead", why);
        json_array_append_new(warnings, json_string(w));
    }
    return 0;
}
