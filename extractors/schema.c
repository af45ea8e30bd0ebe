/* schema.org vocabulary to records. JSON-LD arrives as published; microdata is first turned
 * into the same shape (microdata.c), so one mapper serves both.
 *
 * Anything people rate is an item: every entity with aggregateRating or review becomes a
 * product record whatever its type (Restaurant, Book, Course ...), and Product-like types do
 * so even unrated. Reviews attach to the item they sit in or to their itemReviewed. A Person
 * is a profile when it stands on its own (top level, @graph, ProfilePage.mainEntity), not when
 * it is somebody's author. */
#include "core/rm.h"

#include <math.h>

#include "extractors/extract_int.h"
#include "extractors/values.h"

typedef struct walk {
    rm_x_page *x;
    json_t *ids;
    rm_x_src src;
    json_t *stack[RM_X_MAX_DEPTH]; /* entities being visited: references cannot loop */
    int depth;
    json_t **mapped;               /* items already made products (reached by @id again) */
    long *mapped_idx;
    size_t n_mapped, cap_mapped, cap_mapped_idx;
} walk;

enum { ROLE_TOP, ROLE_NESTED };

const char *rm_extract_schema_local(const char *name)
{
    const char *p;

    if (!strncmp(name, "http://", 7) || !strncmp(name, "https://", 8)) {
        p = strrchr(name, '#');
        if (!p || !p[1])
            p = strrchr(name, '/');
        return p && p[1] ? p + 1 : name;
    }
    p = name[0] == '@' ? NULL : strchr(name, ':');
    return p && p[1] ? p + 1 : name;
}

/* A property by local name: "name", "schema:name" or "http://schema.org/name". */
static json_t *prop(json_t *o, const char *name)
{
    json_t *v = json_object_get(o, name);
    const char *k;

    if (v || !json_is_object(o))
        return v;
    json_object_foreach(o, k, v)
        if (strchr(k, ':') && !strcmp(rm_extract_schema_local(k), name))
            return v;
    return NULL;
}

/* A bare reference {"@id": ...} stands for the node defined elsewhere on the page. */
static json_t *deref(walk *w, json_t *v)
{
    json_t *id = json_object_get(v, "@id"), *def;

    if (!json_is_string(id) || !w->ids || json_object_size(v) > 2 ||
        (json_object_size(v) == 2 && !json_object_get(v, "@type")))
        return v;
    def = json_object_get(w->ids, json_string_value(id));
    return def ? def : v;
}

/* The first value of a property (arrays hold several; {"@value": x} wraps one). */
static json_t *first(walk *w, json_t *v)
{
    for (int guard = 0; v && guard < 4; guard++) {
        if (json_is_array(v))
            v = json_array_get(v, 0);
        else if (json_is_object(v) && json_object_get(v, "@value"))
            v = json_object_get(v, "@value");
        else
            return json_is_object(v) ? deref(w, v) : v;
    }
    return NULL;
}

static json_t *pfirst(walk *w, json_t *o, const char *name)
{
    return first(w, prop(o, name));
}

/* A string property as text; numbers are written as they would be typed. */
static const char *str_of(walk *w, json_t *v)
{
    char buf[64];

    v = first(w, v);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        return rm_arena_strdup(w->x->scratch, buf);
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d == floor(d) && fabs(d) < 1e15)
            snprintf(buf, sizeof(buf), "%.0f", d);
        else
            snprintf(buf, sizeof(buf), "%.15g", d);
        return rm_arena_strdup(w->x->scratch, buf);
    }
    return NULL;
}

static const char *pstr(walk *w, json_t *o, const char *name)
{
    return str_of(w, prop(o, name));
}

/* JSON strings may hold markup ("<p>Nice &amp; fast</p>"); microdata values are text already. */
static const char *text(walk *w, const char *s, unsigned flags)
{
    return rm_extract_text(w->x, s, flags | (w->src == RM_X_MICRODATA ? 0 : RM_VALUES_HTML));
}

static const char *ptext(walk *w, json_t *o, const char *name)
{
    return text(w, pstr(w, o, name), 0);
}

/* A thing named by a string or by an object's name ("brand": "X" or {"name": "X"}). */
static const char *name_of(walk *w, json_t *v)
{
    v = first(w, v);
    if (json_is_object(v))
        return text(w, pstr(w, v, "name"), 0);
    return text(w, str_of(w, v), 0);
}

/* A URL property: a string, or an object's url or @id. */
static const char *url_of(walk *w, json_t *v)
{
    v = first(w, v);
    if (json_is_object(v)) {
        const char *u = pstr(w, v, "url");
        if (!u)
            u = str_of(w, json_object_get(v, "@id"));
        return rm_extract_resolve(w->x, u);
    }
    return rm_extract_resolve(w->x, str_of(w, v));
}

static double num_of(walk *w, json_t *v)
{
    double d;
    v = first(w, v);
    if (json_is_number(v))
        return json_number_value(v);
    if (json_is_string(v) && rm_values_number(json_string_value(v), &d))
        return d;
    return NAN;
}

static int64_t int_of(walk *w, json_t *v)
{
    int64_t n;
    v = first(w, v);
    if (json_is_integer(v))
        return json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
    if (json_is_real(v))
        return json_real_value(v) >= 0 && json_real_value(v) < 9e15 ? llround(json_real_value(v))
                                                                      : -1;
    if (json_is_string(v) && rm_values_int(json_string_value(v), &n))
        return n;
    return -1;
}

typedef bool (*type_pred)(const char *local);

static bool any_type(json_t *o, type_pred pred)
{
    json_t *t = json_object_get(o, "@type"), *v;
    size_t i;

    if (!t)
        t = prop(o, "type");
    if (json_is_string(t))
        return pred(rm_extract_schema_local(json_string_value(t)));
    json_array_foreach(t, i, v)
        if (json_is_string(v) && pred(rm_extract_schema_local(json_string_value(v))))
            return true;
    return false;
}

static const char *first_type(json_t *o)
{
    json_t *t = json_object_get(o, "@type");
    if (json_is_array(t))
        t = json_array_get(t, 0);
    return json_is_string(t) ? rm_extract_schema_local(json_string_value(t)) : NULL;
}

static bool is_product_type(const char *t)
{
    static const char *const names[] = {"Product", "ProductGroup", "ProductModel",
                                        "IndividualProduct", "SomeProducts", "Vehicle", "Car",
                                        "Motorcycle", "MotorizedBicycle", "BusOrCoach"};
    for (size_t i = 0; i < RM_ARRAY_LEN(names); i++)
        if (!strcmp(t, names[i]))
            return true;
    return false;
}

static bool is_review_type(const char *t)
{
    size_t n = strlen(t);
    /* Review, UserReview, CriticReview, EmployerReview...; fact checks are no opinion. */
    return n >= 6 && !strcmp(t + n - 6, "Review") && strcmp(t, "ClaimReview");
}

static bool is_rating_type(const char *t)
{
    return !strcmp(t, "AggregateRating") || !strcmp(t, "Rating");
}

static bool is_person(const char *t)
{
    return !strcmp(t, "Person");
}

static bool is_profile_page(const char *t)
{
    return !strcmp(t, "ProfilePage");
}

static bool is_follow(const char *t)
{
    return !strcmp(t, "FollowAction") || !strcmp(t, "SubscribeAction");
}

static bool is_rated(json_t *o)
{
    if (any_type(o, is_review_type) || any_type(o, is_rating_type))
        return false;
    return prop(o, "aggregateRating") || prop(o, "review") || prop(o, "reviews") ||
           any_type(o, is_product_type);
}

static bool entering(walk *w, json_t *o)
{
    for (int i = 0; i < w->depth; i++)
        if (w->stack[i] == o)
            return false;
    if (w->depth >= RM_X_MAX_DEPTH)
        return false;
    w->stack[w->depth++] = o;
    return true;
}

static void visit(walk *w, json_t *v, int role);
static long map_product(walk *w, json_t *o);

/* One offer, AggregateOffer or list of them: the lowest price and its currency. An offer
 * without priceCurrency has the currency of the AggregateOffer or offer it sits in. */
static void offers_price(walk *w, json_t *v, const char *outer, double *best, const char **cur,
                         int depth)
{
    static const char *const keys[] = {"price", "lowPrice", "minPrice"};
    json_t *e;
    size_t i;

    if (depth > 4)
        return;
    if (json_is_array(v)) {
        json_array_foreach(v, i, e)
            offers_price(w, e, outer, best, cur, depth + 1);
        return;
    }
    if (!json_is_object(v))
        return;
    v = deref(w, v);
    if (pstr(w, v, "priceCurrency"))
        outer = pstr(w, v, "priceCurrency");
    for (size_t k = 0; k < RM_ARRAY_LEN(keys); k++) {
        json_t *p = pfirst(w, v, keys[k]);
        double amount = NAN;
        const char *code = NULL;
        if (json_is_number(p)) {
            amount = json_number_value(p);
            if (!rm_values_currency(outer, &code))
                code = NULL;
        } else if (!rm_values_price(json_string_value(p), outer, &amount, &code)) {
            amount = NAN;
        }
        if (isnan(amount) || amount < 0 || (!isnan(*best) && amount >= *best))
            continue;
        *best = amount;
        *cur = code;
    }
    offers_price(w, prop(v, "priceSpecification"), outer, best, cur, depth + 1);
    offers_price(w, prop(v, "offers"), outer, best, cur, depth + 1);
}

/* A Rating or AggregateRating object's value on 0..5, or a bare ratingValue ("4.5",
 * "9/10") when r is no object. Left NAN when it cannot be read. */
static void rating_of(walk *w, json_t *r, double *out)
{
    double best = NAN, worst = NAN;
    json_t *v = r;

    if (json_is_object(r)) {
        v = first(w, prop(r, "ratingValue"));
        best = num_of(w, prop(r, "bestRating"));
        worst = num_of(w, prop(r, "worstRating"));
    }
    if (json_is_number(v))
        (void)rm_values_rating_d(json_number_value(v), best, worst, out);
    else
        (void)rm_values_rating(str_of(w, v), best, worst, out);
}

static void aggregate_rating(walk *w, rm_product *p, json_t *ar)
{
    ar = first(w, ar);
    if (!json_is_object(ar))
        return;
    if (isnan(p->rating))
        rating_of(w, ar, &p->rating);
    if (p->rating_count < 0)
        p->rating_count = int_of(w, prop(ar, "ratingCount"));
    if (p->review_count < 0)
        p->review_count = int_of(w, prop(ar, "reviewCount"));
}

static const char *category_of(walk *w, json_t *o)
{
    static const char *const keys[] = {"category", "recipeCategory", "applicationCategory",
                                       "genre", "servesCuisine"};
    for (size_t i = 0; i < RM_ARRAY_LEN(keys); i++) {
        const char *c = name_of(w, prop(o, keys[i]));
        if (c)
            return c;
    }
    return NULL;
}

static const char *sku_of(walk *w, json_t *o)
{
    static const char *const keys[] = {"sku", "productID", "gtin13", "gtin", "gtin12",
                                       "gtin14", "gtin8", "isbn", "mpn"};
    for (size_t i = 0; i < RM_ARRAY_LEN(keys); i++) {
        const char *s = text(w, pstr(w, o, keys[i]), 0);
        if (s)
            return s;
    }
    return NULL;
}

static void map_review(walk *w, json_t *o, long prod);

static void product_reviews(walk *w, json_t *o, long idx)
{
    static const char *const keys[] = {"review", "reviews"};
    json_t *list, *r;
    size_t i;

    for (size_t k = 0; k < RM_ARRAY_LEN(keys); k++) {
        list = prop(o, keys[k]);
        for (i = 0; i < (json_is_array(list) ? json_array_size(list) : 1); i++) {
            r = json_is_array(list) ? json_array_get(list, i) : list;
            if (!json_is_object(r) || !entering(w, (r = deref(w, r))))
                continue;
            map_review(w, r, idx);
            w->depth--;
        }
    }
}

static long already_mapped(const walk *w, const json_t *o)
{
    for (size_t i = 0; i < w->n_mapped; i++)
        if (w->mapped[i] == o)
            return w->mapped_idx[i];
    return -1;
}

static long map_product(walk *w, json_t *o)
{
    rm_x_prod *xp;
    rm_product *p;
    const char *cur = NULL;
    long idx = already_mapped(w, o);

    /* A product several reviews point at (itemReviewed: {"@id"}) is read once. */
    if (idx >= 0 || !(xp = rm_extract_product(w->x, w->src)))
        return idx;
    idx = (long)(w->x->n_prods - 1);
    RM_GROW(w->mapped, w->cap_mapped, w->n_mapped + 1);
    RM_GROW(w->mapped_idx, w->cap_mapped_idx, w->n_mapped + 1);
    w->mapped[w->n_mapped] = o;
    w->mapped_idx[w->n_mapped++] = idx;
    p = &xp->p;
    p->schema_type = rm_recs_str(w->x->out, first_type(o));
    p->url = url_of(w, prop(o, "url"));
    xp->url_given = p->url != NULL;
    if (!p->url)
        p->url = w->x->url;
    xp->id = rm_recs_str(w->x->out, str_of(w, json_object_get(o, "@id")));
    p->name = ptext(w, o, "name");
    p->sku = sku_of(w, o);
    p->brand = name_of(w, prop(o, "brand"));
    p->category = category_of(w, o);
    offers_price(w, prop(o, "offers"), NULL, &p->price, &cur, 0);
    p->currency = cur;
    aggregate_rating(w, p, prop(o, "aggregateRating"));
    if (xp->url_given)
        rm_extract_link(w->x, p->url, RM_REL_PRODUCT);
    product_reviews(w, o, idx);
    return idx;
}

/* The item a free-standing review is about: a product record, or a name or URL. */
static long reviewed_item(walk *w, json_t *o, const char **direct)
{
    json_t *item = pfirst(w, o, "itemReviewed");
    long idx;

    *direct = NULL;
    if (json_is_object(item) && entering(w, item)) {
        idx = map_product(w, item);
        w->depth--;
        return idx;
    }
    *direct = rm_extract_resolve(w->x, str_of(w, item));
    if (!*direct)
        *direct = text(w, str_of(w, item), 0);
    return -1;
}

static void review_author(walk *w, rm_review *r, json_t *a)
{
    a = first(w, a);
    if (json_is_object(a)) {
        r->author = ptext(w, a, "name");
        r->author_url = url_of(w, prop(a, "url"));
        if (!r->author_url)
            r->author_url = rm_extract_resolve(w->x, pstr(w, a, "sameAs"));
    } else {
        r->author = text(w, str_of(w, a), 0);
    }
    if (r->author_url)
        rm_extract_link(w->x, r->author_url, RM_REL_PROFILE);
}

static const char *review_id(walk *w, json_t *o)
{
    json_t *id = pfirst(w, o, "identifier");
    const char *s;

    if (json_is_object(id))
        s = pstr(w, id, "value");
    else
        s = str_of(w, id);
    if (!s)
        s = str_of(w, json_object_get(o, "@id"));
    if (!s)
        s = pstr(w, o, "url");
    return text(w, s, 0);
}

/* o is already on the walk's stack. */
static void map_review(walk *w, json_t *o, long prod)
{
    const char *direct = NULL;
    json_t *rr;
    rm_x_rev *xr;
    rm_review *r;

    if (prod < 0)
        prod = reviewed_item(w, o, &direct);
    xr = rm_extract_review(w->x, prod, w->src);
    if (!xr)
        return;
    r = &xr->r;
    r->product = direct;
    r->id = review_id(w, o);
    review_author(w, r, prop(o, "author"));
    rr = pfirst(w, o, "reviewRating");
    if (rr)
        rating_of(w, rr, &r->rating);
    r->date = rm_extract_date(w->x, pstr(w, o, "datePublished"));
    if (!r->date)
        r->date = rm_extract_date(w->x, pstr(w, o, "dateCreated"));
    r->title = ptext(w, o, "name");
    if (!r->title)
        r->title = ptext(w, o, "headline");
    r->body = text(w, pstr(w, o, "reviewBody"), RM_VALUES_BREAKS);
    if (!r->body)
        r->body = text(w, pstr(w, o, "description"), RM_VALUES_BREAKS);
    if (!r->body)
        r->body = text(w, pstr(w, o, "text"), RM_VALUES_BREAKS);
}

/* A top-level AggregateRating that names its item. */
static void map_rating_of(walk *w, json_t *o)
{
    json_t *item = pfirst(w, o, "itemReviewed");
    long idx;

    if (!json_is_object(item) || !entering(w, item))
        return;
    idx = map_product(w, item);
    w->depth--;
    if (idx >= 0)
        aggregate_rating(w, &w->x->prods[idx].p, o);
}

static int64_t interaction(walk *w, json_t *stats)
{
    json_t *s;
    size_t i, n = json_is_array(stats) ? json_array_size(stats) : 1;

    for (i = 0; i < n; i++) {
        json_t *t;
        s = json_is_array(stats) ? json_array_get(stats, i) : stats;
        if (!json_is_object(s))
            continue;
        s = deref(w, s);
        t = pfirst(w, s, "interactionType");
        if ((json_is_object(t) && any_type(t, is_follow)) ||
            (json_is_string(t) && is_follow(rm_extract_schema_local(json_string_value(t)))))
            return int_of(w, prop(s, "userInteractionCount"));
    }
    return -1;
}

static void person_place(walk *w, rm_profile *p, json_t *person)
{
    static const char *const keys[] = {"address", "homeLocation"};

    for (size_t i = 0; i < RM_ARRAY_LEN(keys) && !p->city && !p->country; i++) {
        json_t *a = pfirst(w, person, keys[i]);
        if (!json_is_object(a))
            continue;
        if (json_is_object(pfirst(w, a, "address")))
            a = pfirst(w, a, "address");
        p->city = ptext(w, a, "addressLocality");
        p->country = name_of(w, prop(a, "addressCountry"));
    }
}

static const char *gender_of(walk *w, json_t *v)
{
    const char *g = str_of(w, v);
    json_t *o = first(w, v);

    if (!g && json_is_object(o))
        g = str_of(w, json_object_get(o, "@id"));
    return g ? rm_extract_gender(w->x, g) : NULL;
}

static void list_into(walk *w, rm_x_prof *pr, json_t *v, bool links)
{
    json_t *e;
    size_t i, n = json_is_array(v) ? json_array_size(v) : (v ? 1 : 0);

    for (i = 0; i < n; i++) {
        e = json_is_array(v) ? json_array_get(v, i) : v;
        if (links)
            rm_extract_profile_link(w->x, pr, url_of(w, e));
        else
            rm_extract_profile_interest(w->x, pr, name_of(w, e));
    }
}

static void map_person(walk *w, json_t *person, json_t *page)
{
    rm_x_prof *pr = rm_extract_profile(w->x, w->src);
    rm_profile *p;
    const char *given, *family;

    if (!pr)
        return;
    p = &pr->p;
    p->url = url_of(w, prop(person, "url"));
    if (!p->url && page)
        p->url = url_of(w, prop(page, "url"));
    if (!p->url)
        p->url = w->x->url;
    p->name = ptext(w, person, "name");
    given = ptext(w, person, "givenName");
    family = ptext(w, person, "familyName");
    if (!p->name && (given || family)) {
        rm_buf b;
        rm_buf_init(&b, 4096);
        (void)rm_buf_addf(&b, "%s %s", given ? given : "", family ? family : "");
        p->name = text(w, b.ptr, 0);
        rm_buf_release(&b);
    }
    p->handle = rm_extract_handle(w->x, pstr(w, person, "alternateName"));
    person_place(w, p, person);
    p->gender = gender_of(w, prop(person, "gender"));
    p->birth_year = rm_extract_year(w->x, pstr(w, person, "birthDate"));
    p->bio = text(w, pstr(w, person, "description"), RM_VALUES_BREAKS);
    list_into(w, pr, prop(person, "knowsAbout"), false);
    list_into(w, pr, prop(person, "sameAs"), true);
    p->followers = interaction(w, prop(person, "interactionStatistic"));
    p->following = interaction(w, prop(person, "agentInteractionStatistic"));
    if (page)
        p->joined = rm_extract_date(w->x, pstr(w, page, "dateCreated"));
}

/* A Person standing on its own is a profile when it says more than a name: a Person node
 * that only names a review's author ({"@id": "#ilze", "name": "Ilze"}) is no profile. */
static bool is_profile(walk *w, json_t *person)
{
    static const char *const keys[] = {"url", "sameAs", "alternateName", "description",
                                       "address", "homeLocation", "knowsAbout",
                                       "interactionStatistic"};
    for (size_t i = 0; i < RM_ARRAY_LEN(keys); i++)
        if (pfirst(w, person, keys[i]))
            return true;
    return false;
}

static void map_profile_page(walk *w, json_t *o)
{
    static const char *const keys[] = {"mainEntity", "about"};

    for (size_t i = 0; i < RM_ARRAY_LEN(keys); i++) {
        json_t *e = pfirst(w, o, keys[i]);
        if (json_is_object(e) && any_type(e, is_person) && entering(w, e)) {
            map_person(w, e, o);
            w->depth--;
            return;
        }
    }
}

static void visit_props(walk *w, json_t *o)
{
    const char *k;
    json_t *v;

    json_object_foreach(o, k, v)
        if (k[0] != '@' && (json_is_object(v) || json_is_array(v)))
            visit(w, v, ROLE_NESTED);
}

static void visit(walk *w, json_t *v, int role)
{
    json_t *e;
    size_t i;

    if (json_is_array(v)) {
        json_array_foreach(v, i, e)
            visit(w, e, role);
        return;
    }
    if (!json_is_object(v))
        return;
    v = deref(w, v);
    if (!entering(w, v))
        return;
    if (json_object_get(v, "@graph"))
        visit(w, json_object_get(v, "@graph"), ROLE_TOP);
    if (any_type(v, is_review_type))
        map_review(w, v, -1);
    else if (any_type(v, is_rating_type) && prop(v, "itemReviewed"))
        map_rating_of(w, v);
    else if (is_rated(v))
        map_product(w, v);
    else if (any_type(v, is_profile_page))
        map_profile_page(w, v);
    else if (any_type(v, is_person) && role == ROLE_TOP && is_profile(w, v))
        map_person(w, v, NULL);
    else
        visit_props(w, v);
    w->depth--;
}

void rm_extract_schema(rm_x_page *x, json_t *root, json_t *ids, rm_x_src src)
{
    walk w = {.x = x, .ids = ids, .src = src, .depth = 0};
    visit(&w, root, ROLE_TOP);
    free(w.mapped);
    free(w.mapped_idx);
}
