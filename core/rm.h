/* The base header every revmine source includes first: standard headers, the error enum,
 * allocation, buffers and diagnostics. It ends with banned.h, so the functions we never call
 * fail to compile anywhere in the tree. */
#ifndef RM_H
#define RM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "core/buf.h"
#include "core/diag.h"
#include "core/log.h"

#define RM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define RM_MIN(a, b) ((a) < (b) ? (a) : (b))
#define RM_MAX(a, b) ((a) > (b) ? (a) : (b))

#include "core/banned.h"

#endif
