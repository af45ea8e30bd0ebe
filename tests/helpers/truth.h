/* Compares a revmine database with the fixture marketplace's ground truth, field by field.
 *
 * Thread-safety: test main thread only. */
#ifndef RM_TEST_TRUTH_H
#define RM_TEST_TRUTH_H

#include <jansson.h>
#include <stddef.h>

typedef struct rm_truth_report {
    size_t products, reviews, profiles;          /* rows in the database */
    size_t want_products, want_reviews, want_profiles;
    size_t mismatches;
    char *first;                                 /* the first few mismatches, one per line */
} rm_truth_report;

/* Fills rep (release with rm_truth_release). Returns 0 when the database holds exactly the
 * truth's products, reviews and profiles with equal fields, every review scored. */
int rm_truth_check(const char *db_path, json_t *truth, rm_truth_report *rep);
void rm_truth_release(rm_truth_report *rep);

#endif
