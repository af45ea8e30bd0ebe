/* Where two Gumbo trees differ: node types, parse flags, tags and namespaces, attributes,
 * texts and child counts, in document order (positions aside). For the differential test and
 * fuzz target of rm_html_parse() against Gumbo's own parse of the whole page. Header-only,
 * because fuzz targets are single files.
 *
 * Thread-safety: any thread; the description is in a thread's static buffer. */
#ifndef RM_TEST_GUMBODIFF_H
#define RM_TEST_GUMBODIFF_H

#include <stdio.h>
#include <string.h>

#include "extractors/html.h"

static const GumboVector *rm_gumbodiff_kids(const GumboNode *n)
{
    if (n->type == GUMBO_NODE_DOCUMENT)
        return &n->v.document.children;
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
        return &n->v.element.children;
    return NULL;
}

/* NULL when the trees under x and y are the same, else what differs first. Iterative: tag
 * soup nests deeper than a stack. */
static const char *rm_gumbodiff(const GumboNode *x, const GumboNode *y)
{
    static _Thread_local char why[256];
    const GumboNode *rx = x, *ry = y;

    while (x && y) {
        const GumboVector *kx = rm_gumbodiff_kids(x), *ky = rm_gumbodiff_kids(y);
        if (x->type != y->type) {
            snprintf(why, sizeof(why), "node types %d and %d", x->type, y->type);
            return why;
        }
        if (x->parse_flags != y->parse_flags) {
            snprintf(why, sizeof(why), "parse flags %d and %d", x->parse_flags, y->parse_flags);
            return why;
        }
        if (x->parent && (x->parent->type != y->parent->type ||
                          x->index_within_parent != y->index_within_parent))
            return "parent links";
        if (x->type == GUMBO_NODE_DOCUMENT &&
            (x->v.document.has_doctype != y->v.document.has_doctype ||
             strcmp(x->v.document.name, y->v.document.name) ||
             strcmp(x->v.document.public_identifier, y->v.document.public_identifier) ||
             strcmp(x->v.document.system_identifier, y->v.document.system_identifier) ||
             x->v.document.doc_type_quirks_mode != y->v.document.doc_type_quirks_mode))
            return "doctypes";
        if (x->type == GUMBO_NODE_ELEMENT || x->type == GUMBO_NODE_TEMPLATE) {
            const GumboElement *ex = &x->v.element, *ey = &y->v.element;
            if (ex->tag != ey->tag || ex->tag_namespace != ey->tag_namespace) {
                snprintf(why, sizeof(why), "elements %d and %d", ex->tag, ey->tag);
                return why;
            }
            if (ex->attributes.length != ey->attributes.length)
                return "attribute counts";
            for (unsigned i = 0; i < ex->attributes.length; i++) {
                const GumboAttribute *ax = ex->attributes.data[i], *ay = ey->attributes.data[i];
                if (strcmp(ax->name, ay->name) || strcmp(ax->value, ay->value) ||
                    ax->attr_namespace != ay->attr_namespace)
                    return "attributes";
            }
        } else if (!kx && strcmp(x->v.text.text, y->v.text.text)) {
            snprintf(why, sizeof(why), "texts \"%.100s\" and \"%.100s\"", x->v.text.text,
                     y->v.text.text);
            return why;
        }
        if (kx && kx->length != ky->length) {
            snprintf(why, sizeof(why), "child counts %u and %u", kx->length, ky->length);
            return why;
        }
        x = rm_html_next(x, rx);
        y = rm_html_next(y, ry);
    }
    return x || y ? "node counts" : NULL;
}

#endif
