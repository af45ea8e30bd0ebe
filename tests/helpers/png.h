/* A small PNG reader for tests that inspect screenshots (headless Chromium writes PNG).
 *
 * Thread-safety: pure functions; any thread.
 *
 * Handles what browsers write: 8-bit RGB or RGBA, not interlaced, all five scanline filters.
 * Anything else is refused rather than misread. */
#ifndef RM_TEST_PNG_H
#define RM_TEST_PNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct rm_png {
    uint32_t width, height;
    uint8_t *rgb; /* width * height * 3 bytes, row-major; free() */
} rm_png;

/* Decodes len bytes of data into png. Returns 0, or -1 with *why set to a static reason. */
int rm_png_decode(const uint8_t *data, size_t len, rm_png *png, const char **why);

#endif
