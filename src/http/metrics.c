#include "http/metrics.h"

#include "util/fx_str.h"

#include <stdatomic.h>
#include <string.h>

static const double bucket_s[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NBUCKETS (sizeof bucket_s / sizeof *bucket_s)

static _Atomic uint64_t by_class[6]; /* 1xx … 5xx, index 1..5 */
static _Atomic uint64_t buckets[NBUCKETS + 1];
static _Atomic uint64_t dur_us_total, count_total;
static const char *const reasons[] = {"overload", "too_large", "bad_header", "timeout", "public_rate", "public_busy"};
static _Atomic uint64_t rejected[sizeof reasons / sizeof *reasons];

void metrics_request(int status, uint64_t us)
{
    int cls = status / 100;
    if (cls >= 1 && cls <= 5)
        by_class[cls]++;
    size_t i = 0;
    while (i < NBUCKETS && (double)us / 1e6 > bucket_s[i])
        i++;
    buckets[i]++;
    dur_us_total += us;
    count_total++;
}

void metrics_rejected(const char *reason)
{
    for (size_t i = 0; i < sizeof reasons / sizeof *reasons; i++)
        if (strcmp(reason, reasons[i]) == 0)
            rejected[i]++;
}

char *metrics_render(db *d, int inflight, int connections)
{
    fx_str s;
    fx_str_init(&s, 1 << 16);
    fx_str_adds(&s, "# HELP fangxian_http_requests_total Requests answered, by status class.\n"
                    "# TYPE fangxian_http_requests_total counter\n");
    for (int c = 1; c <= 5; c++)
        fx_str_addf(&s, "fangxian_http_requests_total{code=\"%dxx\"} %llu\n", c, (unsigned long long)by_class[c]);
    fx_str_adds(&s, "# HELP fangxian_http_request_duration_seconds Time from request start to answer.\n"
                    "# TYPE fangxian_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t i = 0; i < NBUCKETS; i++) {
        cum += buckets[i];
        fx_str_addf(&s, "fangxian_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bucket_s[i],
                    (unsigned long long)cum);
    }
    cum += buckets[NBUCKETS];
    fx_str_addf(&s, "fangxian_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    fx_str_addf(&s, "fangxian_http_request_duration_seconds_sum %.6f\n", (double)dur_us_total / 1e6);
    fx_str_addf(&s, "fangxian_http_request_duration_seconds_count %llu\n", (unsigned long long)count_total);
    fx_str_adds(&s, "# HELP fangxian_http_rejected_total Requests refused before a handler ran, by reason.\n"
                    "# TYPE fangxian_http_rejected_total counter\n");
    for (size_t i = 0; i < sizeof reasons / sizeof *reasons; i++)
        fx_str_addf(&s, "fangxian_http_rejected_total{reason=\"%s\"} %llu\n", reasons[i],
                    (unsigned long long)rejected[i]);
    fx_str_addf(&s, "# TYPE fangxian_http_inflight gauge\nfangxian_http_inflight %d\n", inflight);
    fx_str_addf(&s, "# TYPE fangxian_http_connections gauge\nfangxian_http_connections %d\n", connections);
    db_stats st;
    db_get_stats(d, &st);
    fx_str_addf(&s,
                "# HELP fangxian_db_commits_total Write transactions committed (each one fsync).\n"
                "# TYPE fangxian_db_commits_total counter\nfangxian_db_commits_total %llu\n"
                "# HELP fangxian_db_write_jobs_total Writes carried by those commits.\n"
                "# TYPE fangxian_db_write_jobs_total counter\nfangxian_db_write_jobs_total %llu\n"
                "# TYPE fangxian_db_write_jobs_failed_total counter\nfangxian_db_write_jobs_failed_total %llu\n"
                "# TYPE fangxian_db_write_batch_max gauge\nfangxian_db_write_batch_max %llu\n"
                "# TYPE fangxian_db_write_queue_depth gauge\nfangxian_db_write_queue_depth %llu\n"
                "# TYPE fangxian_db_write_refused_total counter\nfangxian_db_write_refused_total %llu\n"
                "# TYPE fangxian_db_commit_seconds_total counter\nfangxian_db_commit_seconds_total %.6f\n",
                (unsigned long long)st.commits, (unsigned long long)st.jobs, (unsigned long long)st.failed_jobs,
                (unsigned long long)st.max_batch, (unsigned long long)st.queue_depth,
                (unsigned long long)st.refused, (double)st.commit_us_total / 1e6);
    return fx_str_take(&s);
}
