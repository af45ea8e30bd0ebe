/* Schema migrations, applied in order by rm_db_open(). Internal to store/.
 *
 * Thread-safety: constant data. */
#ifndef RM_SCHEMA_H
#define RM_SCHEMA_H

#include <stddef.h>

/* migrations[i] brings the schema from version i to i + 1. */
extern const char *const rm_schema_migrations[];
extern const size_t rm_schema_n_migrations;

#endif
