#include "core/rm.h"
#include "nlp/termset.h"

#include "core/arena.h"
#include "core/hash.h"

#define NONE UINT32_MAX

typedef struct tword {
    const char *key;   /* from ts->strings */
    const char *guard; /* from ts->strings, or NULL */
    size_t guard_len;
    uint64_t h;
    uint8_t mode, cls, guard_eiy;
} tword;

typedef struct term {
    uint64_t h_next;  /* hash of the word after the key word, when it is exact or a stem */
    uint8_t mode_next; /* its mode; RM_TERM_CLASS (or a one-word term) skips the check */
    uint32_t payload;
    uint32_t first;   /* index of the first word in ts->words */
    uint32_t next;    /* next term whose first word has the same slot; NONE ends */
    uint8_t n;        /* words */
    uint8_t n_exact;  /* exact words: the first tie-breaker between equally long matches */
    uint8_t lang;
    uint16_t guards;  /* guard specificity: the second tie-breaker (the stem entry "lovely"
                       * beats "love", and "quite", whose guard "quit" wants an e, i or y
                       * after it, beats "quit" on the text "quite") */
} term;

/* One slot per distinct (language, mode, first-word key): the head of a chain of terms. Kept
 * at 16 bytes, since every token probes the table: the key is the first word of the head. */
typedef struct slot {
    uint64_t h;
    uint32_t head;
    uint8_t lang, mode, used;
} slot;

struct rm_termset {
    rm_arena *strings;
    tword *words;
    size_t n_words, cap_words;
    term *terms;
    size_t n_terms, cap_terms;
    slot *slots;
    size_t n_slots, n_used; /* n_slots is a power of two */
    uint64_t h_neg;         /* hash of the class key "<neg>" */
};

static const char *const class_keys[] = {"<neg>"};

/* Slot mode bit: the chain is keyed by the word after a leading class word. "<neg> fit",
 * "<neg> работает" and a hundred more start with <neg>; keying them by their second word
 * turns a long scan at every negator into two hash probes. */
#define AFTER_CLASS 0x10

uint64_t rm_termset_hash(const char *key, size_t len)
{
    return rm_hash64_fast(key, len);
}

static uint64_t hash_str(const char *key)
{
    return rm_hash64_fast(key, strlen(key));
}

rm_termset *rm_termset_new(void)
{
    rm_termset *ts = rm_xcalloc(1, sizeof(*ts));
    ts->strings = rm_arena_new(64 * 1024);
    ts->n_slots = 1024;
    ts->slots = rm_xcalloc(ts->n_slots, sizeof(*ts->slots));
    ts->h_neg = hash_str(class_keys[0]);
    return ts;
}

void rm_termset_free(rm_termset *ts)
{
    if (!ts)
        return;
    rm_arena_free(ts->strings);
    free(ts->words);
    free(ts->terms);
    free(ts->slots);
    free(ts);
}

/* FNV's low bits are weak for short keys: mix before masking. */
static uint64_t slot_hash(uint64_t h, uint8_t lang, uint8_t mode)
{
    h ^= ((uint64_t)lang << 8 | mode) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 29);
}

static const char *slot_key_of(const rm_termset *ts, const slot *s)
{
    const tword *w = &ts->words[ts->terms[s->head].first + ((s->mode & AFTER_CLASS) != 0)];
    return w->mode == RM_TERM_CLASS ? class_keys[0] : w->key;
}

static slot *find_slot(const rm_termset *ts, uint64_t h, const char *key, uint8_t lang,
                       uint8_t mode)
{
    size_t mask = ts->n_slots - 1;
    size_t i = (size_t)slot_hash(h, lang, mode) & mask;

    for (;; i = (i + 1) & mask) {
        slot *s = &ts->slots[i];
        if (!s->used ||
            (s->h == h && s->lang == lang && s->mode == mode && !strcmp(slot_key_of(ts, s), key)))
            return s;
    }
}

static void grow_slots(rm_termset *ts)
{
    slot *old = ts->slots;
    size_t old_n = ts->n_slots;

    ts->n_slots *= 2;
    ts->slots = rm_xcalloc(ts->n_slots, sizeof(*ts->slots));
    for (size_t i = 0; i < old_n; i++) {
        if (old[i].used)
            *find_slot(ts, old[i].h, slot_key_of(ts, &old[i]), old[i].lang, old[i].mode) = old[i];
    }
    free(old);
}

static bool same_word(const tword *a, const rm_term_word *b)
{
    if (a->mode != b->mode || a->cls != b->cls || a->guard_eiy != b->guard_eiy ||
        strcmp(a->key, b->key))
        return false;
    if (!a->guard || !b->guard)
        return a->guard == b->guard;
    return !strcmp(a->guard, b->guard);
}

static const term *find_same(const rm_termset *ts, uint32_t head, uint8_t lang,
                             const rm_term_word *words, size_t n)
{
    for (uint32_t t = head; t != NONE; t = ts->terms[t].next) {
        const term *tm = &ts->terms[t];
        size_t k = 0;
        if (tm->n != n || tm->lang != lang)
            continue;
        while (k < n && same_word(&ts->words[tm->first + k], &words[k]))
            k++;
        if (k == n)
            return tm;
    }
    return NULL;
}

static const char *slot_key(const rm_term_word *w)
{
    return w->mode == RM_TERM_CLASS ? class_keys[0] : w->key;
}

rm_err rm_termset_add(rm_termset *ts, uint8_t lang, const rm_term_word *words, size_t n,
                      uint32_t payload, uint32_t *existing)
{
    const char *key;
    slot *s;
    const term *same;
    term *tm;
    size_t kw;
    uint8_t mode;

    if (n == 0 || n > 255)
        return RM_EINVAL;
    kw = n >= 2 && words[0].mode == RM_TERM_CLASS;
    key = slot_key(&words[kw]);
    mode = (uint8_t)(words[kw].mode | (kw ? AFTER_CLASS : 0));
    s = find_slot(ts, hash_str(key), key, lang, mode);
    if (s->used && (same = find_same(ts, s->head, lang, words, n)) != NULL) {
        *existing = same->payload;
        return RM_EINVAL;
    }
    if (!s->used) {
        if ((ts->n_used + 1) * 2 > ts->n_slots) {
            grow_slots(ts);
            s = find_slot(ts, hash_str(key), key, lang, mode);
        }
        s->used = 1;
        s->h = hash_str(key);
        s->lang = lang;
        s->mode = mode;
        s->head = (uint32_t)ts->n_terms; /* the term added below */
        ts->n_used++;
    } else {
        uint32_t t = s->head;
        while (ts->terms[t].next != NONE)
            t = ts->terms[t].next;
        ts->terms[t].next = (uint32_t)ts->n_terms;
    }
    RM_GROW(ts->terms, ts->cap_terms, ts->n_terms + 1);
    RM_GROW(ts->words, ts->cap_words, ts->n_words + n);
    tm = &ts->terms[ts->n_terms];
    tm->payload = payload;
    tm->first = (uint32_t)ts->n_words;
    tm->n = (uint8_t)n;
    tm->n_exact = 0;
    tm->guards = 0;
    tm->lang = lang;
    for (size_t k = 0; k < n; k++) {
        tword *w = &ts->words[ts->n_words++];
        w->key = rm_arena_strdup(ts->strings, words[k].key);
        w->guard = words[k].guard ? rm_arena_strdup(ts->strings, words[k].guard) : NULL;
        w->guard_len = w->guard ? strlen(w->guard) : 0;
        w->h = hash_str(w->key);
        w->mode = words[k].mode;
        w->cls = words[k].cls;
        w->guard_eiy = words[k].guard_eiy;
        tm->n_exact += w->mode == RM_TERM_EXACT;
        tm->guards = (uint16_t)RM_MIN(tm->guards + 2 * w->guard_len + w->guard_eiy, UINT16_MAX);
    }
    tm->mode_next = RM_TERM_CLASS;
    if (kw + 1 < n && words[kw + 1].mode != RM_TERM_CLASS) {
        tm->mode_next = words[kw + 1].mode;
        tm->h_next = ts->words[tm->first + kw + 1].h;
    }
    /* Appended to its chain above, so file order holds: the first of equal matches wins. */
    tm->next = NONE;
    ts->n_terms++;
    return RM_OK;
}

static bool guard_holds(const tword *w, const char *norm)
{
    char next;

    if (!w->guard)
        return true;
    if (strncmp(norm, w->guard, w->guard_len))
        return false;
    next = norm[w->guard_len];
    return !w->guard_eiy || next == 'e' || next == 'i' || next == 'y';
}

static bool word_matches(const tword *w, const rm_term_tok *t)
{
    if (!t->norm)
        return false;
    switch (w->mode) {
    case RM_TERM_EXACT:
        return t->h_norm == w->h && !strcmp(t->norm, w->key);
    case RM_TERM_STEM:
        return t->stem && t->h_stem == w->h && !strcmp(t->stem, w->key) &&
               guard_holds(w, t->norm);
    default:
        return (t->cls & w->cls) != 0;
    }
}

static bool better(const term *a, const term *b)
{
    if (!b || a->n != b->n)
        return !b || a->n > b->n;
    if (a->n_exact != b->n_exact)
        return a->n_exact > b->n_exact;
    return a->guards > b->guards;
}

/* Every term of a chain shares the slot's key word, which find_slot has compared already: of
 * that word only a stem's guard is left to check. */
static bool key_word_matches(const tword *w, const rm_term_tok *t)
{
    return w->mode != RM_TERM_STEM || guard_holds(w, t->norm);
}

static void scan_chain(const rm_termset *ts, const slot *s, const rm_term_tok *toks, size_t n,
                       size_t i, size_t max_words, const term **best)
{
    size_t key = (s->mode & AFTER_CLASS) != 0;

    for (uint32_t t = s->head; t != NONE; t = ts->terms[t].next) {
        const term *tm = &ts->terms[t];
        size_t k = 0;
        if (tm->n > max_words || i + tm->n > n)
            continue;
        if (tm->mode_next != RM_TERM_CLASS) { /* the word after the key, by hash alone */
            const rm_term_tok *nx = &toks[i + key + 1];
            if ((tm->mode_next == RM_TERM_EXACT ? nx->h_norm : nx->h_stem) != tm->h_next ||
                (tm->mode_next == RM_TERM_STEM && !nx->stem) || !nx->norm)
                continue;
        }
        while (k < tm->n && toks[i + k].lang == tm->lang &&
               (k == key ? key_word_matches(&ts->words[tm->first + k], &toks[i + k])
                         : word_matches(&ts->words[tm->first + k], &toks[i + k])))
            k++;
        if (k < tm->n)
            continue;
        if (better(tm, *best))
            *best = tm;
    }
}

size_t rm_termset_match(const rm_termset *ts, const rm_term_tok *toks, size_t n, size_t i,
                        size_t max_words, uint32_t *payload)
{
    const rm_term_tok *t = &toks[i];
    const term *best = NULL;
    const slot *s;

    if (!t->norm)
        return 0;
    s = find_slot(ts, t->h_norm, t->norm, t->lang, RM_TERM_EXACT);
    if (s->used)
        scan_chain(ts, s, toks, n, i, max_words, &best);
    if (t->stem) {
        s = find_slot(ts, t->h_stem, t->stem, t->lang, RM_TERM_STEM);
        if (s->used)
            scan_chain(ts, s, toks, n, i, max_words, &best);
    }
    if (t->cls & RM_TERM_CLS_NEG) {
        const rm_term_tok *nx = i + 1 < n ? &toks[i + 1] : NULL;
        s = find_slot(ts, ts->h_neg, class_keys[0], t->lang, RM_TERM_CLASS);
        if (s->used)
            scan_chain(ts, s, toks, n, i, max_words, &best);
        if (nx && nx->norm && max_words >= 2) {
            s = find_slot(ts, nx->h_norm, nx->norm, nx->lang, RM_TERM_EXACT | AFTER_CLASS);
            if (s->used)
                scan_chain(ts, s, toks, n, i, max_words, &best);
        }
        if (nx && nx->stem && max_words >= 2) {
            s = find_slot(ts, nx->h_stem, nx->stem, nx->lang, RM_TERM_STEM | AFTER_CLASS);
            if (s->used)
                scan_chain(ts, s, toks, n, i, max_words, &best);
        }
    }
    if (!best)
        return 0;
    *payload = best->payload;
    return best->n;
}
