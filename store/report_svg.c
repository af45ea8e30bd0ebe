#include "core/rm.h"
#include "store/report_int.h"

#include <math.h>

/* Charts are drawn in a 600-unit-wide viewBox and scaled by CSS to the card's width, so text
 * stays proportionate from a laptop to a wide screen. */
#define VW 600.0
/* Charts in full-width cards: wider, so their text keeps the size of the others. */
#define VW_WIDE 1100.0

void rm_report_esc(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        case '\n':
        case '\t': fputc(' ', out); break;
        default:
            if (c >= 0x20 && c != 0x7f) /* other control bytes are not text anyone wrote */
                fputc(c, out);
        }
    }
}

void rm_report_esc_cut(FILE *out, const char *s, size_t max)
{
    size_t chars = 0, i = 0;
    char *head;

    if (!s)
        return;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == max)
            break;
    if (!s[i]) {
        rm_report_esc(out, s);
        return;
    }
    head = rm_xstrndup(s, i);
    rm_report_esc(out, head);
    fputs("…", out);
    free(head);
}

static void svg_open_w(FILE *out, double w, double h, const char *aria)
{
    fprintf(out, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", w,
            h);
    rm_report_esc(out, aria);
    fputs("\">", out);
}

static void svg_open(FILE *out, double h, const char *aria)
{
    svg_open_w(out, VW, h, aria);
}

static double max_of(const double *v, size_t n, double floor_)
{
    double m = floor_;
    for (size_t i = 0; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

static void text_at(FILE *out, double x, double y, const char *anchor, const char *cls,
                    const char *s, size_t cut)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor,
            cls);
    rm_report_esc_cut(out, s, cut);
    fputs("</text>", out);
}

static void value_text(FILE *out, double x, double y, const char *anchor, const char *fmt,
                       double v)
{
    char num[64];
    snprintf(num, sizeof(num), fmt, v);
    text_at(out, x, y, anchor, "v", num, 64);
}

void rm_report_columns(FILE *out, const rm_report_bars *b, const char *aria)
{
    /* a wide chart is shown larger: less height keeps it the others' height on screen */
    const double vw = b->width > 0 ? b->width : VW, top = 18, left = 8, h = vw > VW ? 170 : 230;
    const double plot_h = h - top - 40, plot_w = vw - 2 * left;
    double max = max_of(b->values, b->n, 1), slot = plot_w / (double)RM_MAX(b->n, 1);
    size_t every = b->n > 12 ? (b->n + 11) / 12 : 1;

    svg_open_w(out, vw, h, aria);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>", left,
            top + plot_h, vw - left, top + plot_h);
    for (size_t i = 0; i < b->n; i++) {
        double w = RM_MIN(slot * 0.8, 48.0), x = left + slot * (double)i + (slot - w) / 2;
        double bh = plot_h * b->values[i] / max, y = top + plot_h - bh;
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                     "<title>", x, y, w, bh, b->colors ? b->colors[i] : RM_REPORT_ACCENT);
        rm_report_esc(out, b->labels[i]);
        fprintf(out, ": %g</title></rect>", b->values[i]);
        if (b->overlay && b->overlay[i] > 0) {
            double oh = plot_h * b->overlay[i] / max;
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                         "<title>errors: %g</title></rect>", x + w * 0.25, top + plot_h - oh,
                    w * 0.5, oh, RM_REPORT_NEG, b->overlay[i]);
        }
        if (b->n <= 24 && b->values[i] > 0)
            value_text(out, x + w / 2, y - 4, "middle", b->value_fmt, b->values[i]);
        if (i % every == 0)
            text_at(out, x + w / 2, top + plot_h + 16, "middle", "l", b->labels[i], 12);
    }
    fputs("</svg>\n", out);
}

void rm_report_hbars(FILE *out, const rm_report_bars *b, const char *aria)
{
    const double vw = b->width > 0 ? b->width : VW, row = 20;
    const double label_w = vw * 0.36, value_w = 36, bar_w = vw - label_w - value_w;
    double max = max_of(b->values, b->n, 1e-9), h = row * (double)b->n + 8;

    svg_open_w(out, vw, h, aria);
    for (size_t i = 0; i < b->n; i++) {
        double y = 4 + row * (double)i, w = bar_w * b->values[i] / max;
        text_at(out, label_w - 6, y + 14, "end", "l", b->labels[i], vw > 400 ? 30 : 15);
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"2\" "
                     "fill=\"%s\"/>", label_w, y + 3, RM_MAX(w, 1.0), row - 6,
                b->colors ? b->colors[i] : RM_REPORT_ACCENT);
        value_text(out, label_w + w + 4, y + 14, "start", b->value_fmt, b->values[i]);
    }
    fputs("</svg>\n", out);
}

void rm_report_timeline(FILE *out, size_t n, const char *const *labels, const double *counts,
                        const double *means, const char *aria)
{
    const double top = 14, left = 34, right = 40, h = 240, plot_h = h - top - 36;
    const double plot_w = VW - left - right;
    double max = max_of(counts, n, 1), slot = plot_w / (double)RM_MAX(n, 1);
    size_t every = n > 12 ? (n + 11) / 12 : 1;

    svg_open(out, h, aria);
    /* left axis: mean sentiment -1..1; right axis: reviews */
    for (int t = -1; t <= 1; t++) {
        double y = top + plot_h * (1 - t) / 2;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>",
                left, y, VW - right, y, t ? "grid" : "axis");
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" class=\"v\">%+d</text>",
                left - 4, y + 4, t);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"start\" class=\"v\">%.0f</text>",
            VW - right + 4, top + 4, max);
    for (size_t i = 0; i < n; i++) {
        double x = left + slot * (double)i, bh = plot_h * counts[i] / max;
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                     "class=\"count\"><title>", x + slot * 0.15, top + plot_h - bh, slot * 0.7, bh);
        rm_report_esc(out, labels[i]);
        fprintf(out, ": %.0f reviews, mean %+.2f</title></rect>", counts[i], means[i]);
        if (i % every == 0)
            text_at(out, x + slot / 2, h - 12, "middle", "l", labels[i], 10);
    }
    fputs("<polyline class=\"mean\" points=\"", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%.1f,%.1f ", left + slot * ((double)i + 0.5),
                top + plot_h * (1 - means[i]) / 2);
    fputs("\"/>", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                left + slot * ((double)i + 0.5), top + plot_h * (1 - means[i]) / 2,
                means[i] > 0.05 ? RM_REPORT_POS : means[i] < -0.05 ? RM_REPORT_NEG
                                                                   : RM_REPORT_NEU);
    fputs("</svg>\n", out);
}

static void segment(FILE *out, double x, double y, double w, double h, const char *fill,
                    double share)
{
    if (w <= 0)
        return;
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x, y,
            w, h, fill);
    if (share >= 0.08)
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"in\">%.0f%%"
                     "</text>", x + w / 2, y + h / 2 + 4, share * 100);
}

void rm_report_stacked(FILE *out, size_t n, const char *const *labels, const double *pos,
                       const double *neu, const double *neg, const char *aria)
{
    const double row = 28, label_w = 80, bar_w = VW - label_w - 10;
    double h = row * (double)n + 8;

    svg_open(out, h, aria);
    for (size_t i = 0; i < n; i++) {
        double total = pos[i] + neu[i] + neg[i], y = 4 + row * (double)i, x = label_w;
        double parts[3] = {neg[i], neu[i], pos[i]};
        static const char *const fills[3] = {RM_REPORT_NEG, RM_REPORT_NEU, RM_REPORT_POS};
        text_at(out, label_w - 8, y + row / 2 + 4, "end", "l", labels[i], 12);
        for (int k = 0; k < 3 && total > 0; k++) {
            double w = bar_w * parts[k] / total;
            segment(out, x, y + 3, w, row - 6, fills[k], parts[k] / total);
            x += w;
        }
    }
    fputs("</svg>\n", out);
}

/* White at 0, the label colour at |1|: a diverging scale readable without a legend. */
static void heat_colour(double m, char out[8])
{
    int r = 0x2e, g = 0x9e, b = 0x5b;
    double t = fabs(m);
    if (m < 0)
        r = 0xd6, g = 0x45, b = 0x45;
    t = t > 1 ? 1 : 0.15 + 0.85 * t;
    snprintf(out, 8, "#%02x%02x%02x", (int)(255 - (255 - r) * t), (int)(255 - (255 - g) * t),
             (int)(255 - (255 - b) * t));
}

void rm_report_heatmap(FILE *out, size_t rows, size_t cols, const char *const *row_labels,
                       const char *const *col_labels, const double *means, const long *counts,
                       const char *aria)
{
    const double label_w = 280, head = 26, cell_h = 26;
    double cell_w = (VW_WIDE - label_w) / (double)RM_MAX(cols, 1);
    double h = head + cell_h * (double)rows;
    char fill[8];

    svg_open_w(out, VW_WIDE, h + 4, aria);
    for (size_t c = 0; c < cols; c++)
        text_at(out, label_w + cell_w * ((double)c + 0.5), head - 8, "middle", "l", col_labels[c],
                (size_t)(cell_w / 7.5));
    for (size_t r = 0; r < rows; r++) {
        double y = head + cell_h * (double)r;
        text_at(out, label_w - 6, y + cell_h / 2 + 4, "end", "l", row_labels[r], 40);
        for (size_t c = 0; c < cols; c++) {
            double m = means[r * cols + c], x = label_w + cell_w * (double)c;
            if (isnan(m)) {
                fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                             "class=\"empty\"/>", x + 1, y + 1, cell_w - 2, cell_h - 2);
                continue;
            }
            heat_colour(m, fill);
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                         "fill=\"%s\"><title>", x + 1, y + 1, cell_w - 2, cell_h - 2, fill);
            rm_report_esc(out, col_labels[c]);
            fprintf(out, ": mean %+.2f in %ld mentions</title></rect>", m, counts[r * cols + c]);
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"%s\">%+.2f"
                         "</text>", x + cell_w / 2, y + cell_h / 2 + 4,
                    fabs(m) > 0.55 ? "in" : "v", m);
        }
    }
    fputs("</svg>\n", out);
}
