#include "core/rm.h"
#include "extractors/record.h"

void rm_recs_init(rm_recs *r, rm_arena *arena)
{
    r->v = NULL;
    r->n = r->cap = 0;
    r->arena = arena;
}

void rm_recs_release(rm_recs *r)
{
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}

rm_rec *rm_recs_add(rm_recs *r, rm_rec_type type)
{
    rm_rec *rec;

    RM_GROW(r->v, r->cap, r->n + 1);
    rec = &r->v[r->n++];
    memset(rec, 0, sizeof(*rec));
    rec->type = type;
    switch (type) {
    case RM_REC_PRODUCT:
        rec->u.product.price = NAN;
        rec->u.product.rating = NAN;
        rec->u.product.rating_count = -1;
        rec->u.product.review_count = -1;
        break;
    case RM_REC_REVIEW:
        rec->u.review.rating = NAN;
        break;
    case RM_REC_PROFILE:
        rec->u.profile.followers = -1;
        rec->u.profile.following = -1;
        break;
    case RM_REC_LINK:
        break;
    }
    return rec;
}

const char *rm_recs_str(rm_recs *r, const char *s)
{
    return s ? rm_arena_strdup(r->arena, s) : NULL;
}

const char *rm_rec_type_str(rm_rec_type t)
{
    switch (t) {
    case RM_REC_PRODUCT: return "product";
    case RM_REC_REVIEW: return "review";
    case RM_REC_PROFILE: return "profile";
    case RM_REC_LINK: return "link";
    }
    return "unknown";
}

static const char *const rel_names[] = {"other", "next", "product", "review", "profile"};

const char *rm_link_rel_str(rm_link_rel rel)
{
    return (unsigned)rel < RM_ARRAY_LEN(rel_names) ? rel_names[rel] : "other";
}

rm_link_rel rm_link_rel_parse(const char *s)
{
    for (size_t i = 0; i < RM_ARRAY_LEN(rel_names); i++)
        if (!strcmp(s, rel_names[i]))
            return (rm_link_rel)i;
    return RM_REL_OTHER;
}

static void put_str(json_t *o, const char *k, const char *v)
{
    if (v)
        json_object_set_new(o, k, json_string(v));
}

static void put_num(json_t *o, const char *k, double v)
{
    if (rm_has_d(v))
        json_object_set_new(o, k, json_real(v));
}

static void put_int(json_t *o, const char *k, int64_t v)
{
    if (v >= 0)
        json_object_set_new(o, k, json_integer(v));
}

static void put_list(json_t *o, const char *k, const char **v, size_t n)
{
    json_t *a;
    if (!n)
        return;
    a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    json_object_set_new(o, k, a);
}

static void product_json(json_t *o, const rm_product *p)
{
    put_str(o, "schema_type", p->schema_type);
    put_str(o, "url", p->url);
    put_str(o, "name", p->name);
    put_str(o, "sku", p->sku);
    put_str(o, "brand", p->brand);
    put_str(o, "category", p->category);
    put_num(o, "price", p->price);
    put_str(o, "currency", p->currency);
    put_num(o, "rating", p->rating);
    put_int(o, "rating_count", p->rating_count);
    put_int(o, "review_count", p->review_count);
}

static void review_json(json_t *o, const rm_review *r)
{
    put_str(o, "url", r->url);
    put_str(o, "product", r->product);
    put_str(o, "id", r->id);
    put_str(o, "author", r->author);
    put_str(o, "author_url", r->author_url);
    put_num(o, "rating", r->rating);
    put_str(o, "date", r->date);
    put_str(o, "title", r->title);
    put_str(o, "body", r->body);
}

static void profile_json(json_t *o, const rm_profile *p)
{
    put_str(o, "url", p->url);
    put_str(o, "platform", p->platform);
    put_str(o, "handle", p->handle);
    put_str(o, "name", p->name);
    put_str(o, "city", p->city);
    put_str(o, "country", p->country);
    put_str(o, "gender", p->gender);
    if (p->birth_year > 0)
        json_object_set_new(o, "birth_year", json_integer(p->birth_year));
    put_str(o, "bio", p->bio);
    put_list(o, "interests", p->interests, p->n_interests);
    put_int(o, "followers", p->followers);
    put_int(o, "following", p->following);
    put_str(o, "joined", p->joined);
    put_list(o, "links", p->links, p->n_links);
}

json_t *rm_rec_to_json(const rm_rec *rec)
{
    json_t *o = json_object();

    json_object_set_new(o, "type", json_string(rm_rec_type_str(rec->type)));
    switch (rec->type) {
    case RM_REC_PRODUCT:
        product_json(o, &rec->u.product);
        break;
    case RM_REC_REVIEW:
        review_json(o, &rec->u.review);
        break;
    case RM_REC_PROFILE:
        profile_json(o, &rec->u.profile);
        break;
    case RM_REC_LINK:
        put_str(o, "url", rec->u.link.url);
        json_object_set_new(o, "rel", json_string(rm_link_rel_str(rec->u.link.rel)));
        break;
    }
    return o;
}
