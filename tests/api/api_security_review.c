/* API tests from the security review of the recent endpoints: what one sub-district's
 * users must not see or reach of another's, or of the system's own (admin-only) queue. */
#include "lib/fxt.h"
#include "lib/receiver.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1800000000LL /* 2027-01-15 16:00 in Asia/Shanghai */

static fxt_server srv;
static rcv rv;
static char pw[32];
static char *admin, *zz_officer, *city_partner;

/* Requests to the receiver under prefix whose body mentions text. */
static int received(const char *prefix, const char *text)
{
    int n = 0;
    pthread_mutex_lock(&rv.mu);
    for (int i = 0; i < rv.n; i++)
        n += !strncmp(rv.req[i].target, prefix, strlen(prefix)) && rv.req[i].body && strstr(rv.req[i].body, text);
    pthread_mutex_unlock(&rv.mu);
    return n;
}

static void platform_channel(const char *token, const char *area, const char *path)
{
    char body[400];
    snprintf(body, sizeof body,
             "{\"name\":\"platform %s\",\"kind\":\"webhook\",\"audience\":\"platform\",\"url\":\"http://127.0.0.1:%d%s\","
             "\"secret\":\"s\",\"area\":\"%s\"}",
             area, rv.port, path, area);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/channels", token, body);
    CHECKF(r.status == 201, "platform channel at %s: %d %s", area, r.status, r.body);
    fxt_free(&r);
}

/* An order the city platform pushes without an address anyone knows waits in the system's
 * triage queue, which only system administrators see; the feedback on it goes to the city's
 * platform channel, not to a channel a sub-district officer set up for his own area. */
static void triage_feedback_stays_out_of_subdistrict_channels(void)
{
    platform_channel(zz_officer, "HKG-ZZ", "/zz");
    platform_channel(admin, "HKG", "/city");
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/work-orders", city_partner,
                         "{\"external_id\":\"SEC-TRIAGE-1\",\"title\":\"核查\",\"subject\":{\"id_number\":"
                         "\"110105194912310046\",\"address\":\"无此地址\"},\"deadline\":1800086400}");
    CHECKF(r.status == 201, "push: %d %s", r.status, r.body);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    CHECK(json_is_null(json_object_get(r.json, "queue")));
    fxt_free(&r);
    char path[80];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld", id);
    r = fxt_req(&srv, "GET", path, zz_officer, NULL);
    CHECK_EQ_INT(r.status, 404); /* the queue itself is hidden from him */
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld/status", id);
    r = fxt_req(&srv, "POST", path, admin, "{\"status\":\"returned\",\"feedback\":\"查无此人 TRIAGE-FEEDBACK\"}");
    CHECKF(r.status == 200, "status: %d %s", r.status, r.body);
    fxt_free(&r);
    bool city = false;
    for (int w = 0; w < 10000 && !city; w += 50, usleep(50000))
        city = received("/city", "TRIAGE-FEEDBACK") > 0;
    CHECKF(city, "the feedback never reached the city's platform channel");
    usleep(500 * 1000); /* a later pass would have sent it too */
    CHECKF(received("/zz", "TRIAGE-FEEDBACK") == 0, "张庄's own platform channel received the triage queue's feedback");
}

int main(void)
{
    th_init();
    if (rcv_start(&rv) != 0) {
        fprintf(stderr, "cannot start the receiver\n");
        return 1;
    }
    if (fxt_setup(&srv) != 0 || fxt_demo(&srv, pw) != 0) {
        fprintf(stderr, "cannot set up the server under test (%s)\n", fxt_bin());
        return 1;
    }
    const char *args[] = {"token", "add", "city-platform", "--kind", "partner", NULL};
    char *out = NULL;
    if (fxt_cli(&srv, NULL, &out, args) == 0 && out)
        out[strcspn(out, "\n")] = '\0';
    city_partner = out;
    static const char *extra[] = {"--notify-interval-ms", "100", NULL};
    memcpy(srv.extra, extra, sizeof extra);
    snprintf(srv.now, sizeof srv.now, "%lld", T0);
    if (fxt_start(&srv) != 0) {
        fprintf(stderr, "cannot start the server under test (%s)\n", fxt_bin());
        return 1;
    }
    admin = fxt_login(&srv, "admin", pw);
    zz_officer = fxt_login(&srv, "lijunchuan", pw);
    if (!city_partner || !admin || !zz_officer) {
        fprintf(stderr, "no partner token or logins\n");
        return 1;
    }
    RUN(triage_feedback_stays_out_of_subdistrict_channels);
    fxt_teardown(&srv);
    rcv_stop(&rv);
    free(admin), free(zz_officer), free(city_partner);
    return th_done("api_security_review");
}
