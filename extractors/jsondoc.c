/* JSON documents: Mastodon REST account objects (/api/v1/accounts/..., one or a list),
 * ActivityPub actors (application/activity+json) and schema.org JSON-LD served as a file.
 * Profiles from JSON name their platform by the host of the profile's own URL: a Mastodon
 * server answers for accounts living on other servers too. */
#include "core/rm.h"

#include "extractors/extract_int.h"
#include "extractors/html.h"
#include "extractors/values.h"

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t jcount(json_t *v)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        return json_integer_value(v);
    if (json_is_object(v))
        return jcount(json_object_get(v, "totalItems"));
    return -1;
}

/* Links held in a profile field value: the hrefs of its <a> tags, or the text itself when it
 * is a URL ("https://blog.example"). */
static void value_links(rm_x_page *x, rm_x_prof *pr, const char *html)
{
    GumboOutput *frag;
    const char *text;

    if (!html)
        return;
    if (strchr(html, '<') &&
        rm_html_parse_fragment(html, strlen(html), x->scratch, &frag) == RM_OK) {
        bool any = false;
        for (const GumboNode *n = frag->root; n; n = rm_html_next(n, frag->root)) {
            const char *u = rm_html_is(n, GUMBO_TAG_A) ? rm_html_attr(n, "href") : NULL;
            if (u && (u = rm_extract_resolve(x, u)) != NULL) {
                rm_extract_profile_link(x, pr, u);
                any = true;
            }
        }
        if (any)
            return;
    }
    text = rm_extract_text(x, html, RM_VALUES_HTML);
    if (text && (!strncmp(text, "http://", 7) || !strncmp(text, "https://", 8)))
        rm_extract_profile_link(x, pr, rm_extract_resolve(x, text));
}

static rm_x_prof *profile_at(rm_x_page *x, const char *url)
{
    rm_x_prof *pr = rm_extract_profile(x, RM_X_JSON);
    const char *host;

    if (!pr)
        return NULL;
    pr->p.url = url ? url : x->url;
    host = rm_extract_host(x, pr->p.url);
    pr->p.platform = host ? host : x->platform;
    return pr;
}

static bool is_mastodon_account(json_t *o)
{
    return jstr(o, "username") && (json_object_get(o, "acct") ||
                                   json_object_get(o, "followers_count"));
}

static void mastodon_account(rm_x_page *x, json_t *o)
{
    rm_x_prof *pr = profile_at(x, rm_extract_resolve(x, jstr(o, "url")));
    rm_profile *p;
    json_t *f;
    size_t i;

    if (!pr)
        return;
    p = &pr->p;
    p->handle = rm_extract_handle(x, jstr(o, "username"));
    p->name = rm_extract_text(x, jstr(o, "display_name"), RM_VALUES_HTML);
    p->bio = rm_extract_text(x, jstr(o, "note"), RM_VALUES_HTML | RM_VALUES_BREAKS);
    p->followers = jcount(json_object_get(o, "followers_count"));
    p->following = jcount(json_object_get(o, "following_count"));
    p->joined = rm_extract_date(x, jstr(o, "created_at"));
    json_array_foreach(json_object_get(o, "fields"), i, f)
        value_links(x, pr, jstr(f, "value"));
}

static bool is_actor(json_t *o)
{
    static const char *const types[] = {"Person", "Service", "Group", "Organization",
                                        "Application"};
    const char *t = jstr(o, "type");

    if (!t || !(jstr(o, "preferredUsername") || json_object_get(o, "inbox")))
        return false;
    for (size_t i = 0; i < RM_ARRAY_LEN(types); i++)
        if (!strcmp(t, types[i]))
            return true;
    return false;
}

/* An actor's url is a string, a Link object or a list of either. */
static const char *actor_url(rm_x_page *x, json_t *o)
{
    json_t *u = json_object_get(o, "url");

    if (json_is_array(u))
        u = json_array_get(u, 0);
    if (json_is_object(u))
        return rm_extract_resolve(x, jstr(u, "href"));
    if (json_is_string(u))
        return rm_extract_resolve(x, json_string_value(u));
    return rm_extract_resolve(x, jstr(o, "id"));
}

static void actor(rm_x_page *x, json_t *o)
{
    rm_x_prof *pr = profile_at(x, actor_url(x, o));
    rm_profile *p;
    json_t *a;
    size_t i;

    if (!pr)
        return;
    p = &pr->p;
    p->handle = rm_extract_handle(x, jstr(o, "preferredUsername"));
    p->name = rm_extract_text(x, jstr(o, "name"), RM_VALUES_HTML);
    p->bio = rm_extract_text(x, jstr(o, "summary"), RM_VALUES_HTML | RM_VALUES_BREAKS);
    p->followers = jcount(json_object_get(o, "followers"));
    p->following = jcount(json_object_get(o, "following"));
    p->joined = rm_extract_date(x, jstr(o, "published"));
    json_array_foreach(json_object_get(o, "attachment"), i, a)
        value_links(x, pr, jstr(a, "value"));
    json_array_foreach(json_object_get(o, "alsoKnownAs"), i, a)
        if (json_is_string(a))
            rm_extract_profile_link(x, pr, rm_extract_resolve(x, json_string_value(a)));
}

static void one(rm_x_page *x, json_t *o, json_t *ids)
{
    if (!json_is_object(o))
        return;
    if (is_mastodon_account(o))
        mastodon_account(x, o);
    else if (is_actor(o))
        actor(x, o);
    else if (json_object_get(o, "@type") || json_object_get(o, "@graph"))
        rm_extract_schema(x, o, ids, RM_X_JSON);
}

void rm_extract_json_doc(rm_x_page *x, json_t *doc)
{
    json_t *ids = json_object(), *e;
    size_t i;

    rm_extract_jsonld_index(ids, doc);
    if (json_is_array(doc))
        json_array_foreach(doc, i, e)
            one(x, e, ids);
    else
        one(x, doc, ids);
    json_decref(ids);
}
