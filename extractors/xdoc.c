#include "core/rm.h"
#include "extractors/xdoc.h"

#include <libxml/HTMLtree.h>
#include <stdint.h>
#include <libxml/xpathInternals.h>

#include "extractors/css.h"
#include "extractors/html.h"
#include "extractors/xfast.h"

struct rm_xsel {
    xmlXPathCompExprPtr comp;
    rm_xfast *fast; /* the same expression matched natively, when it has a simple shape */
};

/* --- the copy --- */

static xmlNodePtr copy_node(xmlDocPtr doc, const GumboNode *n, rm_arena *names)
{
    xmlNodePtr x;

    switch (n->type) {
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE: {
        const GumboVector *attrs = &n->v.element.attributes;
        x = xmlNewDocNode(doc, NULL, BAD_CAST rm_html_tag_name(n, names), NULL);
        for (size_t i = 0; x && i < attrs->length; i++) {
            const GumboAttribute *a = attrs->data[i];
            xmlNewProp(x, BAD_CAST a->name, BAD_CAST a->value);
        }
        return x;
    }
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
    case GUMBO_NODE_CDATA:
        return xmlNewDocTextLen(doc, BAD_CAST n->v.text.text, (int)strlen(n->v.text.text));
    default:
        return NULL; /* comments and the document node carry nothing rules select */
    }
}

static const GumboVector *kids_of(const GumboNode *n)
{
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
        return &n->v.element.children;
    if (n->type == GUMBO_NODE_DOCUMENT)
        return &n->v.document.children;
    return NULL;
}

xmlDocPtr rm_xdoc_new(const GumboNode *document)
{
    xmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
    xmlNodePtr parent = (xmlNodePtr)doc;
    const GumboNode *n;
    rm_arena *names;
    int depth = 1; /* of n: the document's children are at depth 1 */

    if (!doc)
        return NULL;
    /* Interned names: one copy of "div" per document, not per element. */
    doc->dict = xmlDictCreate();
    names = rm_arena_new(4096);
    n = kids_of(document)->length ? kids_of(document)->data[0] : NULL;
    while (n) {
        const GumboVector *kids = kids_of(n);
        xmlNodePtr x = copy_node(doc, n, names);
        /* xmlAddChild may merge a text node into its neighbour and return that one. */
        if (x)
            x = xmlAddChild(parent, x);
        if (x && kids && kids->length) {
            /* Below the cap, children attach to the deepest allowed ancestor. */
            if (depth <= RM_XDOC_MAX_DEPTH)
                parent = x;
            depth++;
            n = kids->data[0];
            continue;
        }
        for (;;) {
            const GumboVector *sib = kids_of(n->parent);
            if (n->index_within_parent + 1 < sib->length) {
                n = sib->data[n->index_within_parent + 1];
                break;
            }
            n = n->parent;
            if (n == document) {
                n = NULL;
                break;
            }
            depth--;
            if (depth <= RM_XDOC_MAX_DEPTH)
                parent = parent->parent;
        }
    }
    rm_arena_free(names);
    return doc;
}

/* --- selectors --- */

typedef struct errbuf {
    char *buf;
    size_t size;
    bool set;
} errbuf;

static void keep_first_error(void *ctx, xmlErrorPtr e)
{
    errbuf *eb = ctx;
    size_t n;

    if (eb->set || !e || !e->message)
        return;
    eb->set = true;
    snprintf(eb->buf, eb->size, "%s", e->message);
    n = strlen(eb->buf);
    while (n && (eb->buf[n - 1] == '\n' || eb->buf[n - 1] == ' '))
        eb->buf[--n] = '\0';
}

/* Some XPath errors ("function x not found") bypass the structured handler. */
static void keep_first_generic(void *ctx, const char *fmt, ...)
{
    errbuf *eb = ctx;
    va_list ap;
    size_t n;

    if (eb->set)
        return;
    eb->set = true;
    va_start(ap, fmt);
    vsnprintf(eb->buf, eb->size, fmt, ap);
    va_end(ap);
    n = strlen(eb->buf);
    while (n && (eb->buf[n - 1] == '\n' || eb->buf[n - 1] == ' '))
        eb->buf[--n] = '\0';
}

static void ignore_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

static void ignore_generic(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

static bool token_in_attr(xmlNodePtr n, const xmlChar *name, const xmlChar *token)
{
    xmlAttrPtr attr;

    return n && n->type == XML_ELEMENT_NODE && name && token &&
           (attr = xmlHasProp(n, name)) != NULL && attr->children && attr->children->content &&
           rm_xfast_has_token(attr->children->content, token);
}

static bool is_string(const xmlXPathObject *o)
{
    return o && o->type == XPATH_STRING && o->stringval;
}

/* rm:has-token(name, token): see css.h. It runs once per element a class selector visits,
 * so the usual case (two string literals, as the CSS compiler writes) reads the arguments on
 * the stack in place and hands both objects back to the context's cache, instead of copying
 * each and allocating the result. Anything else is converted to strings as XPath says. */
static void xpath_has_token(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlNodePtr n = ctxt->context->node;
    xmlChar *token, *name;
    bool hit;

    CHECK_ARITY(2);
    if (is_string(ctxt->valueTab[ctxt->valueNr - 1]) &&
        is_string(ctxt->valueTab[ctxt->valueNr - 2])) {
        hit = token_in_attr(n, ctxt->valueTab[ctxt->valueNr - 2]->stringval,
                            ctxt->valueTab[ctxt->valueNr - 1]->stringval);
        /* Popping as booleans releases the objects into the cache without a copy. */
        (void)xmlXPathPopBoolean(ctxt);
        (void)xmlXPathPopBoolean(ctxt);
    } else {
        token = xmlXPathPopString(ctxt);
        name = xmlXPathPopString(ctxt);
        hit = token_in_attr(n, name, token);
        xmlFree(token);
        xmlFree(name);
    }
    /* true() and false() push the cached boolean objects. */
    if (hit)
        xmlXPathTrueFunction(ctxt, 0);
    else
        xmlXPathFalseFunction(ctxt, 0);
}

static xmlXPathContextPtr new_context(xmlDocPtr doc)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);

    /* Reusing XPath objects and node sets between evaluations saves most of their mallocs. */
    if (ctx && (xmlXPathContextSetCache(ctx, 1, -1, 0) ||
                xmlXPathRegisterNs(ctx, BAD_CAST "rm", BAD_CAST RM_XPATH_NS) ||
                xmlXPathRegisterFuncNS(ctx, BAD_CAST "has-token", BAD_CAST RM_XPATH_NS,
                                       xpath_has_token))) {
        xmlXPathFreeContext(ctx);
        return NULL;
    }
    return ctx;
}

/* Runs comp once on an empty page: unknown functions and variables show up now. */
static bool try_eval(xmlXPathCompExprPtr comp)
{
    xmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
    xmlXPathContextPtr ctx = doc ? new_context(doc) : NULL;
    xmlXPathObjectPtr r = NULL;
    bool ok = false;

    if (ctx) {
        xmlDocSetRootElement(doc, xmlNewDocNode(doc, NULL, BAD_CAST "html", NULL));
        ctx->node = (xmlNodePtr)doc;
        r = xmlXPathCompiledEval(comp, ctx);
        ok = r != NULL;
    }
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return ok;
}

rm_err rm_xsel_compile(const char *expr, bool css, rm_xsel **out, char *err, size_t err_size)
{
    xmlStructuredErrorFunc old = xmlStructuredError;
    void *old_ctx = xmlStructuredErrorContext;
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_generic_ctx = xmlGenericErrorContext;
    errbuf eb = {err, err_size, false};
    xmlXPathCompExprPtr comp;
    rm_buf xpath;
    rm_err rc = RM_OK;

    rm_buf_init(&xpath, 64 * RM_CSS_MAX_LEN);
    if (css) {
        rc = rm_css_to_xpath(expr, &xpath, err, err_size);
        if (rc)
            goto done;
    } else {
        (void)rm_buf_adds(&xpath, expr);
    }
    xmlSetStructuredErrorFunc(&eb, keep_first_error);
    xmlSetGenericErrorFunc(&eb, keep_first_generic);
    comp = xmlXPathCompile(BAD_CAST xpath.ptr);
    if (comp && !try_eval(comp)) {
        xmlXPathFreeCompExpr(comp);
        comp = NULL;
    }
    xmlSetStructuredErrorFunc(old_ctx, old);
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    if (!comp) {
        if (!eb.set)
            snprintf(err, err_size, "invalid XPath expression");
        rc = RM_EPARSE;
        goto done;
    }
    *out = rm_xcalloc(1, sizeof(**out));
    (*out)->comp = comp;
    (*out)->fast = rm_xfast_compile(xpath.ptr);
done:
    rm_buf_release(&xpath);
    return rc;
}

void rm_xsel_free(rm_xsel *s)
{
    if (!s)
        return;
    xmlXPathFreeCompExpr(s->comp);
    rm_xfast_free(s->fast);
    free(s);
}

/* --- the two trees a native match reads --- */

static rm_xfast_kind xml_kind(const void *p)
{
    const xmlNode *n = p;

    switch (n->type) {
    case XML_ELEMENT_NODE:
        return RM_XFAST_ELEMENT;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        return RM_XFAST_TEXT;
    case XML_DOCUMENT_NODE:
    case XML_HTML_DOCUMENT_NODE:
        return RM_XFAST_DOC;
    default:
        return RM_XFAST_SKIP;
    }
}

static const void *xml_parent(const void *p)
{
    return ((const xmlNode *)p)->parent;
}

static const void *xml_child(const void *p)
{
    rm_xfast_kind k = xml_kind(p);
    return k == RM_XFAST_ELEMENT || k == RM_XFAST_DOC ? ((const xmlNode *)p)->children : NULL;
}

static const void *xml_next(const void *p)
{
    return ((const xmlNode *)p)->next;
}

/* An unprefixed name test selects elements in no namespace. */
static const char *xml_name(const void *p, void *ctx)
{
    const xmlNode *n = p;
    (void)ctx;
    return n->ns ? "" : (const char *)n->name;
}

/* The copy gives every attribute one text child. */
static const char *xml_attr(const void *p, const char *name)
{
    xmlAttrPtr a = xmlHasProp((xmlNodePtr)(uintptr_t)p, BAD_CAST name);

    if (!a)
        return NULL;
    return a->children && a->children->content ? (const char *)a->children->content : "";
}

static const rm_xfast_tree xml_tree = {xml_kind, xml_parent, xml_child, xml_next, xml_name,
                                       xml_attr, NULL};

static bool gumbo_text(const GumboNode *n)
{
    return n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
           n->type == GUMBO_NODE_CDATA;
}

/* The sibling before n that the copy keeps (comments are dropped), or NULL. */
static const GumboNode *gumbo_kept_before(const GumboNode *n)
{
    const GumboVector *sib = n->parent ? kids_of(n->parent) : NULL;

    for (size_t i = n->index_within_parent; sib && i-- > 0;) {
        const GumboNode *p = sib->data[i];
        if (p->type != GUMBO_NODE_COMMENT)
            return p;
    }
    return NULL;
}

static rm_xfast_kind gumbo_kind(const void *p)
{
    const GumboNode *n = p, *before;

    switch (n->type) {
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
        return RM_XFAST_ELEMENT;
    case GUMBO_NODE_DOCUMENT:
        return RM_XFAST_DOC;
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
    case GUMBO_NODE_CDATA:
        /* The copy merges a text node into the text before it. */
        before = gumbo_kept_before(n);
        return before && gumbo_text(before) ? RM_XFAST_SKIP : RM_XFAST_TEXT;
    default:
        return RM_XFAST_SKIP;
    }
}

static const void *gumbo_parent(const void *p)
{
    return ((const GumboNode *)p)->parent;
}

static const void *gumbo_child(const void *p)
{
    const GumboVector *kids = kids_of(p);
    return kids && kids->length ? kids->data[0] : NULL;
}

static const void *gumbo_next(const void *p)
{
    const GumboNode *n = p;
    const GumboVector *sib = n->parent ? kids_of(n->parent) : NULL;

    return sib && n->index_within_parent + 1 < sib->length ? sib->data[n->index_within_parent + 1]
                                                           : NULL;
}

/* The copy's names, which the copy takes from the same function. */
static const char *gumbo_name(const void *p, void *names)
{
    return rm_html_tag_name(p, names);
}

static const char *gumbo_attr(const void *p, const char *name)
{
    return rm_html_attr(p, name);
}

/* Deeper than the copy's cap, the copy re-parents nodes: queries must run on it. */
static bool gumbo_shallow(const GumboNode *document)
{
    const GumboNode *n = document;
    size_t depth = 0;

    while (n) {
        const GumboNode *kid = gumbo_child(n);
        if (kid) {
            if (++depth > RM_XDOC_MAX_DEPTH)
                return false;
            n = kid;
            continue;
        }
        while (n != document && !gumbo_next(n)) {
            n = n->parent;
            depth--;
        }
        n = n == document ? NULL : gumbo_next(n);
    }
    return true;
}

/* --- queries --- */

static void query_init(rm_xquery *q, rm_arena *arena)
{
    memset(q, 0, sizeof(*q));
    q->arena = arena;
    rm_buf_init(&q->text, (size_t)16 << 20);
}

int rm_xquery_init(rm_xquery *q, xmlDocPtr doc, rm_arena *arena)
{
    query_init(q, arena);
    q->doc = doc;
    q->tree = xml_tree;
    q->ctx = new_context(doc);
    if (!q->ctx)
        return -1;
    /* Evaluation errors (a node-set expected, ...) mean "no value", not a message; the
     * generic handler is this thread's, put back when the query is done. */
    q->ctx->error = ignore_error;
    q->old_generic = xmlGenericError;
    q->old_generic_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, ignore_generic);
    return 0;
}

int rm_xquery_init_gumbo(rm_xquery *q, const GumboNode *document, rm_arena *arena)
{
    query_init(q, arena);
    if (!gumbo_shallow(document))
        return -1;
    q->gumbo = document;
    q->tree = (rm_xfast_tree){gumbo_kind, gumbo_parent, gumbo_child, gumbo_next, gumbo_name,
                              gumbo_attr, arena};
    return 0;
}

void rm_xquery_release(rm_xquery *q)
{
    rm_buf_release(&q->text);
    if (!q->ctx)
        return;
    xmlXPathFreeContext(q->ctx);
    q->ctx = NULL;
    xmlSetGenericErrorFunc(q->old_generic_ctx, q->old_generic);
}

bool rm_xsel_native(const rm_xsel *s)
{
    return s->fast != NULL;
}

static const void *context_node(rm_xquery *q, const rm_xnode *node)
{
    if (node)
        return node;
    return q->gumbo ? (const void *)q->gumbo : (const void *)q->doc;
}

static xmlXPathObjectPtr eval(const rm_xsel *s, rm_xquery *q, const rm_xnode *node)
{
    q->ctx->node = (xmlNodePtr)(uintptr_t)context_node(q, node);
    return xmlXPathCompiledEval(s->comp, q->ctx);
}

/* Elements a native match emits, into a caller's array. */
typedef struct collect {
    const rm_xnode **v;
    size_t n, max;
} collect;

static bool collect_node(const void *n, const char *attr, void *arg)
{
    collect *c = arg;

    (void)attr;
    c->v[c->n++] = n;
    return c->n < c->max;
}

size_t rm_xsel_nodes(const rm_xsel *s, rm_xquery *q, const rm_xnode *node,
                     const rm_xnode **out, size_t max)
{
    xmlXPathObjectPtr r;
    size_t n = 0;

    if (s->fast) {
        collect c = {out, 0, max};
        /* Attributes and text are not elements, as below. */
        if (max && rm_xfast_elements(s->fast))
            rm_xfast_run(s->fast, &q->tree, context_node(q, node), collect_node, &c);
        return c.n;
    }
    if (!q->ctx)
        return 0;
    r = eval(s, q, node);
    if (r && r->type == XPATH_NODESET && r->nodesetval)
        for (int i = 0; i < r->nodesetval->nodeNr && n < max; i++)
            if (r->nodesetval->nodeTab[i]->type == XML_ELEMENT_NODE)
                out[n++] = (const rm_xnode *)r->nodesetval->nodeTab[i];
    xmlXPathFreeObject(r);
    return n;
}

static bool named(xmlNodePtr n, const char *const *names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!strcmp((const char *)n->name, names[i]))
            return true;
    return false;
}

static const char *const hidden[] = {"script", "style", "template", "noscript"};
static const char *const blocks[] = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "form",
    "hr", "address", "figure", "figcaption", "nav", "aside", "main", "title"};

static void newline(rm_buf *b)
{
    if (b->len && b->ptr[b->len - 1] != '\n')
        (void)rm_buf_addc(b, '\n');
}

/* Visible text of an element, as rm_html_text() gives it for Gumbo nodes. */
static void element_text(xmlNodePtr root, rm_buf *b)
{
    xmlNodePtr n = root->children;

    while (n && n != root && !b->err) {
        bool block = n->type == XML_ELEMENT_NODE && named(n, blocks, RM_ARRAY_LEN(blocks));
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
            (void)rm_buf_adds(b, (const char *)n->content);
        if (block)
            newline(b);
        if (n->type == XML_ELEMENT_NODE && n->children &&
            !named(n, hidden, RM_ARRAY_LEN(hidden))) {
            n = n->children;
            continue;
        }
        while (n != root && !n->next) {
            n = n->parent;
            if (n != root && n->type == XML_ELEMENT_NODE && named(n, blocks, RM_ARRAY_LEN(blocks)))
                newline(b);
        }
        if (n != root)
            n = n->next;
    }
}

static const char *xml_value(rm_xquery *q, xmlNodePtr n, rm_buf *b)
{
    xmlChar *c;
    const char *s;

    if (n->type == XML_ELEMENT_NODE) {
        element_text(n, b);
        return b->err ? NULL : rm_arena_strndup(q->arena, b->ptr, b->len);
    }
    /* The copy gives every attribute one text child: read it in place. */
    if (n->type == XML_ATTRIBUTE_NODE && n->children && !n->children->next &&
        n->children->type == XML_TEXT_NODE)
        return rm_arena_strdup(q->arena, (const char *)n->children->content);
    if (n->type == XML_TEXT_NODE)
        return rm_arena_strdup(q->arena, n->content ? (const char *)n->content : "");
    c = xmlNodeGetContent(n);
    s = c ? rm_arena_strdup(q->arena, (const char *)c) : NULL;
    xmlFree(c);
    return s;
}

/* A text node's value is the run of text the copy merges it with. */
static const char *gumbo_value(rm_xquery *q, const GumboNode *n, rm_buf *b)
{
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
        rm_html_text(n, b);
    } else {
        for (; n && (gumbo_text(n) || n->type == GUMBO_NODE_COMMENT); n = gumbo_next(n))
            if (gumbo_text(n))
                (void)rm_buf_adds(b, n->v.text.text);
    }
    return b->err ? NULL : rm_arena_strndup(q->arena, b->ptr, b->len);
}

static const char *node_value(rm_xquery *q, const void *n)
{
    rm_buf_reset(&q->text);
    if (q->gumbo)
        return gumbo_value(q, n, &q->text);
    return xml_value(q, (xmlNodePtr)(uintptr_t)n, &q->text);
}

/* Values of the nodes a native match emits. */
typedef struct collect_values {
    rm_xquery *q;
    const char **v;
    size_t n, max;
} collect_values;

static bool collect_value(const void *n, const char *attr, void *arg)
{
    collect_values *c = arg;
    const char *v = attr ? rm_arena_strdup(c->q->arena, attr) : node_value(c->q, n);

    if (v)
        c->v[c->n++] = v;
    return c->n < c->max;
}

size_t rm_xsel_values(const rm_xsel *s, rm_xquery *q, const rm_xnode *node, const char **out,
                      size_t max)
{
    xmlXPathObjectPtr r;
    size_t n = 0;

    if (!max)
        return 0;
    if (s->fast) {
        collect_values c = {q, out, 0, max};
        rm_xfast_run(s->fast, &q->tree, context_node(q, node), collect_value, &c);
        return c.n;
    }
    if (!q->ctx || !(r = eval(s, q, node)))
        return 0;
    if (r->type == XPATH_NODESET) {
        for (int i = 0; r->nodesetval && i < r->nodesetval->nodeNr && n < max; i++) {
            const char *v = node_value(q, r->nodesetval->nodeTab[i]);
            if (v)
                out[n++] = v;
        }
    } else {
        xmlChar *str = xmlXPathCastToString(r);
        if (str && *str)
            out[n++] = rm_arena_strdup(q->arena, (const char *)str);
        xmlFree(str);
    }
    xmlXPathFreeObject(r);
    return n;
}

const char *rm_xdoc_html(rm_xquery *q, const rm_xnode *node)
{
    xmlBufferPtr buf;
    const char *s = NULL;

    if (!q->doc || !(buf = xmlBufferCreate()))
        return NULL;
    if (htmlNodeDump(buf, q->doc, (xmlNodePtr)(uintptr_t)node) >= 0)
        s = rm_arena_strdup(q->arena, (const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return s;
}
