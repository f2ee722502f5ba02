/* iso_summary.h — the dashboard's isolation, door-sensor and zone numbers for an area,
 * each a COUNT over an index range (areas by path, then the per-area indexes of cases,
 * alarms and zones), never a list: correct however many rows there are. Every number is
 * the count of rows a user would see in the matching list (worklist, gaps, alarms?open=1,
 * zones). */
#ifndef ISO_SUMMARY_H
#define ISO_SUMMARY_H
#include "db/db.h"

#include <stdint.h>

enum { ISUM_CENTRAL, ISUM_HOME_ISOLATION, ISUM_HOME_MONITORING, ISUM_TYPES };
enum { ISUM_DOOR_OPEN, ISUM_SILENT, ISUM_BATTERY_LOW, ISUM_TAMPER, ISUM_ALARM_KINDS };
enum { ISUM_SEALED, ISUM_CONTROLLED, ISUM_PRECAUTION, ISUM_ZONE_KINDS };

extern const char *const isum_type_names[ISUM_TYPES];
extern const char *const isum_alarm_names[ISUM_ALARM_KINDS];
extern const char *const isum_zone_names[ISUM_ZONE_KINDS];

typedef struct iso_summary {
    int64_t active[ISUM_TYPES];   /* active cases by type */
    int64_t ending;               /* planned end by tonight */
    int64_t checkins_due;         /* cases with fewer check-ins today than their policy asks */
    int64_t test_due;             /* today a test day without a sample yet */
    int64_t releasable;           /* every condition of release met */
    int64_t gaps;                 /* 应隔尽隔: people who should be isolated and have no case */
    int64_t alarms[ISUM_ALARM_KINDS]; /* open alarms by kind */
    struct {
        int64_t active, proposed;
        int64_t next_at; /* the earliest end of an active zone's quiet days (its next stage), 0: none */
    } zones[ISUM_ZONE_KINDS];
} iso_summary;

/* The numbers for scope_path's subtree on now's date. 0 or < 0. */
int iso_summary_get(db_conn *c, const char *scope_path, int64_t now, iso_summary *out);

#endif
