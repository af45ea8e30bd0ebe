/* Site rule files, shared by rules_load.c (YAML to compiled rules, with every error named by
 * file, line and field) and rules.c (running them on a page). Not a public header.
 *
 * Thread-safety: loaded rules are immutable and shared by all workers; PCRE2 code and the
 * match context are only read while matching, match data is per call.
 *
 * Config as data: rules_load.c's field_defs[] (record fields a rule can fill, with their
 * kind) and field_keys[] (keys of a field) drive loading and its error messages; README.md
 * lists the same tables. */
#ifndef RM_RULES_INT_H
#define RM_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "extractors/extract_int.h"
#include "extractors/jsonpath.h"
#include "extractors/xdoc.h"

#define RM_RULES_MAX_PAGES 64
#define RM_RULES_MAX_FIELDS 64
#define RM_RULES_MAX_LINKS 64
#define RM_RULES_MAX_EACH 2000   /* repeated records per page */
#define RM_RULES_MAX_VALUES 2000 /* values one field collects */
/* PCRE2 gives up on a page after this much backtracking instead of hanging a worker. */
#define RM_RULES_MATCH_LIMIT 1000000

/* How a field's text becomes a record value. */
typedef enum rm_fkind {
    RM_F_TEXT,     /* one line: tags stripped, entities decoded, space squashed */
    RM_F_PARA,     /* the same keeping line breaks (review body, bio) */
    RM_F_HANDLE,   /* text without a leading '@' */
    RM_F_GENDER,   /* "female", "male", or the site's word */
    RM_F_URL,      /* resolved against the page */
    RM_F_REF,      /* a URL when it looks like one, else text (a review's product: URL or SKU) */
    RM_F_PRICE,
    RM_F_CURRENCY,
    RM_F_RATING,
    RM_F_DATE,
    RM_F_INT,
    RM_F_YEAR,
    RM_F_TEXTS,    /* list of text (interests) */
    RM_F_URLS      /* list of URLs (profile links) */
} rm_fkind;

typedef struct rm_field_def {
    rm_rec_type rec;
    const char *name;
    rm_fkind kind;
    size_t off;      /* offset of the field in rm_product / rm_review / rm_profile */
    const char *doc;
} rm_field_def;

typedef enum rm_norm {
    RM_NORM_DEFAULT = 0, /* what the field's kind implies */
    RM_NORM_RAW,         /* text as selected, only trimmed */
    RM_NORM_TEXT,
    RM_NORM_PRICE,
    RM_NORM_CURRENCY,
    RM_NORM_RATING,
    RM_NORM_DATE,
    RM_NORM_INT,
    RM_NORM_URL
} rm_norm;

typedef enum rm_sel_kind {
    RM_SEL_NONE = 0,
    RM_SEL_CSS,
    RM_SEL_XPATH,
    RM_SEL_JSONPATH,
    RM_SEL_REGEX,
    RM_SEL_VALUE /* a constant */
} rm_sel_kind;

typedef struct rm_rule_sel {
    rm_sel_kind kind;
    rm_xsel *x;     /* css, xpath */
    rm_jsonpath *j; /* jsonpath */
    pcre2_code *re; /* regex over the page source or the element's HTML */
    char *value;    /* constant */
} rm_rule_sel;

/* A selector with its post-processing: a record field or a link rule. */
typedef struct rm_rule_field {
    const rm_field_def *def; /* NULL for a link rule */
    rm_rule_sel sel;
    bool all;               /* every match (lists and join), not only the first */
    char *join;             /* separator joining all matches into one value */
    pcre2_code *match;      /* keep the capture: group "value", else 1, else the match */
    pcre2_code *replace;    /* every match replaced by replace_with */
    char *replace_with;
    bool trim;
    rm_norm norm;
    double scale, worst;    /* rating scale; NAN when not given */
    char *dflt;             /* value when nothing is selected */
    bool required;          /* without a value the record is dropped */
    bool whole_page;        /* in a repeated record: select from the page, not the element */
    rm_link_rel rel;        /* link rules */
} rm_rule_field;

typedef struct rm_rule_record {
    rm_rec_type type;
    rm_rule_sel each;       /* RM_SEL_NONE: one record for the whole page */
    rm_rule_field *fields;
    size_t n_fields;
} rm_rule_record;

struct rm_rule_page {
    const rm_rules *owner;
    char *name;
    pcre2_code *url;
    bool structured;        /* zero-config readers run too */
    bool needs_doc;         /* some selector is CSS or XPath */
    bool needs_copy;        /* one of them needs the libxml2 copy: not native (xfast.h), or a
                             * regex over a repeated element's HTML */
    rm_rule_record *records;
    size_t n_records;
    rm_rule_field *links;
    size_t n_links;
};

struct rm_rules {
    char *file;
    char *site;
    pcre2_code *match;
    char *lang;
    char *platform;
    rm_rule_page *pages;
    size_t n_pages;
    pcre2_match_context *mctx;
};

#endif
