/* sampling.h — sampling events from handhelds (contract: POST /api/v1/sampling/batch):
 * tube_open, sample, tube_seal, box_seal, applied in order in one transaction.
 *
 * Every event is judged by its own time `at`, not by when it arrives, and
 * answers ok, duplicate (its client id was seen before, whatever the first
 * answer was) or rejected with a specific code; one bad event never rejects
 * the others. A batch writes one audit entry listing what it changed; coverage
 * deltas are summed in memory and applied once per (area, hour) at the end. */
#ifndef SAMPLING_H
#define SAMPLING_H
#include "core/actor.h"
#include "db/db.h"

#include <stddef.h>
#include <stdint.h>

#define SAMPLING_BATCH_MAX 5000 /* events in one batch */
#define SAMPLING_ID_MAX 64      /* characters of a client id */
#define SAMPLING_BOX_TUBES_MAX 500

enum sev_type { SEV_TUBE_OPEN, SEV_SAMPLE, SEV_TUBE_SEAL, SEV_BOX_SEAL };
enum sev_status { SEV_OK, SEV_DUPLICATE, SEV_REJECTED };
enum sev_warning {
    SEW_ALREADY_SAMPLED = 1 << 0, /* a person sampled before in this round: kept, marked repeat */
    SEW_RECALL = 1 << 1,          /* on the round's recall list: a recall retest (also a first
                                   * sample, for a recall without a tube: a test day, a referral) */
    SEW_WALK_IN = 1 << 2,         /* registered on the spot */
    SEW_POOL_ABOVE_POLICY = 1 << 3, /* a tube larger than the area's risk level allows */
};

/* One event as the handheld sent it. Strings point into the caller's parsed body. */
typedef struct sampling_event {
    const char *id;           /* client id; NULL when missing (then never stored) */
    enum sev_type type;
    int64_t at;
    int64_t round_id, site_id;  /* tube_open */
    const char *tube;           /* tube_open, sample, tube_seal */
    int pool_size;              /* tube_open */
    const char *id_number, *code, *name, *phone; /* sample: the person */
    const char *box, *seal;     /* box_seal */
    const char **tubes;         /* box_seal */
    size_t ntubes;

    /* the answer */
    enum sev_status status;
    unsigned warnings;          /* enum sev_warning bits */
    char err_code[40];
    char err_msg[240];
} sampling_event;

/* Marks an event rejected before it reaches the store (its shape was wrong);
 * sampling_apply still records it by its client id. */
void sampling_reject(sampling_event *e, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Warning codes of w, in bit order, for the answer ("already_sampled", …). */
int sampling_warning_names(unsigned w, const char *out[4]);

typedef struct sampling_summary {
    long ok, duplicate, rejected, samples, walk_ins, tubes_opened, tubes_sealed, boxes_sealed;
} sampling_summary;

/* Applies the events in order on the writer connection. Returns 0 (each
 * event's answer is in it) or < 0 when the store failed (roll the batch back). */
int sampling_apply(db_conn *c, const actor *who, sampling_event *ev, size_t n, sampling_summary *sum);

/* Whether a sample of this person is a recall retest: they are on this round's
 * recall list (core/positive.c and isolation.c put them there). */
bool sampling_is_recall(db_conn *c, int64_t round_id, int64_t person_id);

#endif
