#include "core/rm.h"
#include "tests/helpers/png.h"

#include <zlib.h>

/* A screenshot is at most a few thousand pixels a side; more is a broken file, not a page. */
#define MAX_SIDE 20000u

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return (uint8_t)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/* PNG spec §9: undo each scanline's filter in place; bpp bytes per pixel. */
static int unfilter(uint8_t *raw, uint32_t w, uint32_t h, size_t bpp)
{
    size_t stride = (size_t)w * bpp;
    for (uint32_t y = 0; y < h; y++) {
        uint8_t *row = raw + (size_t)y * (stride + 1), type = row[0], *cur = row + 1;
        const uint8_t *prev = y ? raw + (size_t)(y - 1) * (stride + 1) + 1 : NULL;
        for (size_t i = 0; i < stride; i++) {
            int a = i >= bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0;
            int c = prev && i >= bpp ? prev[i - bpp] : 0;
            switch (type) {
            case 0: break;
            case 1: cur[i] = (uint8_t)(cur[i] + a); break;
            case 2: cur[i] = (uint8_t)(cur[i] + b); break;
            case 3: cur[i] = (uint8_t)(cur[i] + (a + b) / 2); break;
            case 4: cur[i] = (uint8_t)(cur[i] + paeth(a, b, c)); break;
            default: return -1;
            }
        }
    }
    return 0;
}

static int read_chunks(const uint8_t *d, size_t len, rm_png *png, size_t *bpp, rm_buf *idat,
                       const char **why)
{
    size_t pos = 8;
    bool header = false;
    while (pos + 12 <= len) {
        uint32_t n = be32(d + pos);
        const uint8_t *type = d + pos + 4, *body = d + pos + 8;
        if (n > len - pos - 12)
            return *why = "chunk past the end", -1;
        if (!memcmp(type, "IHDR", 4) && n >= 13) {
            png->width = be32(body);
            png->height = be32(body + 4);
            if (body[8] != 8 || (body[9] != 2 && body[9] != 6) || body[12] != 0)
                return *why = "not 8-bit RGB/RGBA non-interlaced", -1;
            *bpp = body[9] == 6 ? 4 : 3;
            header = true;
        } else if (!memcmp(type, "IDAT", 4)) {
            rm_buf_add(idat, body, n);
        } else if (!memcmp(type, "IEND", 4)) {
            break;
        }
        pos += 12 + (size_t)n;
    }
    if (!header || !png->width || !png->height || png->width > MAX_SIDE ||
        png->height > MAX_SIDE)
        return *why = "no usable IHDR", -1;
    return idat->err ? (*why = "image data too big", -1) : 0;
}

int rm_png_decode(const uint8_t *data, size_t len, rm_png *png, const char **why)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    rm_buf idat;
    size_t bpp = 3, raw_len;
    uLongf got;
    uint8_t *raw = NULL;
    int rc = -1;

    memset(png, 0, sizeof(*png));
    rm_buf_init(&idat, 1u << 28);
    if (len < 8 || memcmp(data, sig, 8)) {
        *why = "not a PNG";
        goto cleanup;
    }
    if (read_chunks(data, len, png, &bpp, &idat, why))
        goto cleanup;
    raw_len = (size_t)png->height * ((size_t)png->width * bpp + 1);
    raw = rm_xmalloc(raw_len);
    got = (uLongf)raw_len;
    if (uncompress(raw, &got, (const Bytef *)idat.ptr, (uLong)idat.len) != Z_OK ||
        got != raw_len) {
        *why = "bad zlib stream";
        goto cleanup;
    }
    if (unfilter(raw, png->width, png->height, bpp)) {
        *why = "bad filter type";
        goto cleanup;
    }
    png->rgb = rm_xmalloc((size_t)png->width * png->height * 3);
    for (size_t y = 0; y < png->height; y++)
        for (size_t x = 0; x < png->width; x++)
            memcpy(png->rgb + (y * png->width + x) * 3,
                   raw + y * ((size_t)png->width * bpp + 1) + 1 + x * bpp, 3);
    rc = 0;
cleanup:
    free(raw);
    rm_buf_release(&idat);
    return rc;
}
