/* OpenGraph: og:type product (with the product: namespace Facebook catalogues use) and
 * profile pages. OpenGraph describes the page as one object, so its product is the page's
 * main item and merges with structured data about the same URL. */
#include "core/rm.h"

#include "extractors/extract_int.h"
#include "extractors/values.h"

typedef struct og {
    rm_x_page *x;
    const rm_x_meta *meta;
    size_t n;
} og;

/* The first value of one of the properties, in the order given. */
static const char *get(const og *g, const char *const *props, size_t np)
{
    for (size_t k = 0; k < np; k++)
        for (size_t i = 0; i < g->n; i++)
            if (!strcasecmp(g->meta[i].prop, props[k]) && g->meta[i].content[0])
                return g->meta[i].content;
    return NULL;
}

#define GET(g, ...) get((g), (const char *const[]){__VA_ARGS__}, \
                        sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static void product(og *g)
{
    rm_x_page *x = g->x;
    rm_x_prod *xp = rm_extract_product(x, RM_X_OG);
    rm_product *p;
    const char *cur;

    if (!xp)
        return;
    p = &xp->p;
    xp->main = true;
    p->url = rm_extract_resolve(x, GET(g, "og:url"));
    xp->url_given = p->url != NULL;
    if (!p->url)
        p->url = x->url;
    p->name = rm_extract_text(x, GET(g, "og:title"), 0);
    p->brand = rm_extract_text(x, GET(g, "product:brand", "og:brand"), 0);
    p->category = rm_extract_text(x, GET(g, "product:category", "og:category"), 0);
    p->sku = rm_extract_text(x, GET(g, "product:retailer_item_id", "product:sku", "og:sku"), 0);
    cur = GET(g, "product:price:currency", "og:price:currency", "product:sale_price:currency");
    (void)rm_values_price(GET(g, "product:price:amount", "og:price:amount",
                              "product:sale_price:amount"), cur, &p->price, &p->currency);
}

static void profile(og *g)
{
    rm_x_page *x = g->x;
    rm_x_prof *pr = rm_extract_profile(x, RM_X_OG);
    const char *first, *last;
    rm_profile *p;

    if (!pr)
        return;
    p = &pr->p;
    p->url = rm_extract_resolve(x, GET(g, "og:url"));
    if (!p->url)
        p->url = x->url;
    first = GET(g, "profile:first_name");
    last = GET(g, "profile:last_name");
    if (first || last) {
        rm_buf b;
        rm_buf_init(&b, 4096);
        (void)rm_buf_addf(&b, "%s %s", first ? first : "", last ? last : "");
        p->name = rm_extract_text(x, b.ptr, 0);
        rm_buf_release(&b);
    } else {
        p->name = rm_extract_text(x, GET(g, "og:title"), 0);
    }
    p->handle = rm_extract_handle(x, GET(g, "profile:username"));
    p->gender = rm_extract_gender(x, GET(g, "profile:gender"));
    p->bio = rm_extract_text(x, GET(g, "og:description"), RM_VALUES_BREAKS);
}

void rm_extract_og(rm_x_page *x, const rm_x_meta *meta, size_t n)
{
    og g = {x, meta, n};
    const char *type = GET(&g, "og:type");

    if (type && !strncasecmp(type, "og:", 3))
        type += 3;
    if ((type && !strncasecmp(type, "product", 7)) ||
        GET(&g, "product:price:amount", "og:price:amount"))
        product(&g);
    else if (type && !strcasecmp(type, "profile"))
        profile(&g);
}
