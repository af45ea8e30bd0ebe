#include "core/rm.h"
#include "nlp/langid.h"

#include <pthread.h>

#include "core/hash.h"

/* Cyrillic counts this many times a Latin letter: brand names and model numbers inside a
 * Russian sentence are Latin, the language around them is not. */
#define CYR_WEIGHT 3
/* Function words are strong evidence; one counts as this many letters. */
#define CUE_WEIGHT 6
/* Words whose cues are counted: enough evidence, bounded cost on long texts. */
#define CUE_WORDS_MAX 64
/* Inside Cyrillic text, a capitalised Latin word is most likely a name ("Samsung", "USB-C"):
 * its letters count a quarter. */
#define NAME_DIVISOR 4

typedef enum cue { CUE_EN = 0, CUE_RU, CUE_LATIN_OTHER, CUE_CYR_OTHER, N_CUES } cue;

typedef struct cue_word {
    const char *w;
    cue c;
} cue_word;

/* Frequent words that are unambiguous within their script. */
static const cue_word cue_words[] = {
    {"the", CUE_EN}, {"and", CUE_EN}, {"is", CUE_EN}, {"it", CUE_EN}, {"of", CUE_EN},
    {"to", CUE_EN}, {"this", CUE_EN}, {"was", CUE_EN}, {"i", CUE_EN}, {"you", CUE_EN},
    {"my", CUE_EN}, {"for", CUE_EN}, {"with", CUE_EN}, {"that", CUE_EN}, {"not", CUE_EN},
    {"but", CUE_EN}, {"very", CUE_EN}, {"have", CUE_EN}, {"are", CUE_EN}, {"they", CUE_EN},
    {"it's", CUE_EN}, {"don't", CUE_EN}, {"so", CUE_EN}, {"just", CUE_EN}, {"what", CUE_EN},
    {"и", CUE_RU}, {"в", CUE_RU}, {"не", CUE_RU}, {"на", CUE_RU}, {"что", CUE_RU},
    {"я", CUE_RU}, {"с", CUE_RU}, {"как", CUE_RU}, {"это", CUE_RU}, {"но", CUE_RU},
    {"очень", CUE_RU}, {"все", CUE_RU}, {"так", CUE_RU}, {"мне", CUE_RU}, {"был", CUE_RU},
    {"было", CUE_RU}, {"он", CUE_RU}, {"она", CUE_RU}, {"только", CUE_RU}, {"уже", CUE_RU},
    {"der", CUE_LATIN_OTHER}, {"und", CUE_LATIN_OTHER},
    {"ist", CUE_LATIN_OTHER}, {"nicht", CUE_LATIN_OTHER}, {"das", CUE_LATIN_OTHER},
    {"ich", CUE_LATIN_OTHER}, {"el", CUE_LATIN_OTHER}, {"la", CUE_LATIN_OTHER},
    {"los", CUE_LATIN_OTHER}, {"que", CUE_LATIN_OTHER}, {"es", CUE_LATIN_OTHER},
    {"muy", CUE_LATIN_OTHER}, {"et", CUE_LATIN_OTHER}, {"les", CUE_LATIN_OTHER},
    {"est", CUE_LATIN_OTHER}, {"une", CUE_LATIN_OTHER}, {"pas", CUE_LATIN_OTHER},
    {"très", CUE_LATIN_OTHER}, {"je", CUE_LATIN_OTHER}, {"il", CUE_LATIN_OTHER},
    {"di", CUE_LATIN_OTHER}, {"che", CUE_LATIN_OTHER}, {"molto", CUE_LATIN_OTHER},
    {"não", CUE_LATIN_OTHER}, {"het", CUE_LATIN_OTHER},
    {"een", CUE_LATIN_OTHER}, {"ein", CUE_LATIN_OTHER}, {"sehr", CUE_LATIN_OTHER},
    {"nie", CUE_LATIN_OTHER}, {"jest", CUE_LATIN_OTHER}, {"ve", CUE_LATIN_OTHER},
    {"bir", CUE_LATIN_OTHER}, {"ne", CUE_LATIN_OTHER},
    {"і", CUE_CYR_OTHER}, {"це", CUE_CYR_OTHER}, {"дуже", CUE_CYR_OTHER},
    {"що", CUE_CYR_OTHER}, {"як", CUE_CYR_OTHER}, {"але", CUE_CYR_OTHER},
    {"ў", CUE_CYR_OTHER}, {"вельмі", CUE_CYR_OTHER}, {"е", CUE_CYR_OTHER},
    {"са", CUE_CYR_OTHER}, {"ще", CUE_CYR_OTHER},
    {"беше", CUE_CYR_OTHER}, {"ја", CUE_CYR_OTHER}, {"је", CUE_CYR_OTHER},
};

/* The cue words by hash: every word of every text is looked up, and a bsearch of strcmp calls
 * was a tenth of the scorer's time. Open addressing, filled once. */
#define CUE_SLOTS 256 /* a power of two, over twice the cue words */

typedef struct cue_slot {
    const cue_word *cw; /* NULL: empty */
    size_t len;
} cue_slot;

static cue_slot cue_table[CUE_SLOTS];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static size_t cue_hash(const char *w, size_t len)
{
    uint64_t h = rm_hash64_fast(w, len);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ULL;
    return (size_t)(h ^ (h >> 29)) & (CUE_SLOTS - 1);
}

static void build_cue_table(void)
{
    _Static_assert(RM_ARRAY_LEN(cue_words) * 2 <= CUE_SLOTS, "cue table too small");
    for (size_t k = 0; k < RM_ARRAY_LEN(cue_words); k++) {
        size_t len = strlen(cue_words[k].w), i = cue_hash(cue_words[k].w, len);
        while (cue_table[i].cw)
            i = (i + 1) & (CUE_SLOTS - 1);
        cue_table[i] = (cue_slot){&cue_words[k], len};
    }
}

static const cue_word *find_cue(const char *w, size_t len)
{
    for (size_t i = cue_hash(w, len); cue_table[i].cw; i = (i + 1) & (CUE_SLOTS - 1))
        if (cue_table[i].len == len && !memcmp(cue_table[i].cw->w, w, len))
            return cue_table[i].cw;
    return NULL;
}

/* Letters that Russian never uses (і ї є ґ ў ј љ њ): a few of them mean another Cyrillic
 * language. */
static bool non_russian_cyrillic(const char *w)
{
    for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
        if (p[0] == 0xD1 && (p[1] == 0x94 || p[1] == 0x96 || p[1] == 0x97 || p[1] == 0x98 ||
                             p[1] == 0x99 || p[1] == 0x9A || p[1] == 0x9E))
            return true;
        if (p[0] == 0xD2 && p[1] == 0x91)
            return true;
    }
    return false;
}

/* Latin letters beyond ASCII are rare in English and common in its neighbours. */
static bool accented_latin(const char *w)
{
    for (const unsigned char *p = (const unsigned char *)w; *p; p++)
        if (*p == 0xC3 || *p == 0xC4 || *p == 0xC5)
            return true;
    return false;
}

static void count_cues(const rm_tokens *toks, size_t cues[N_CUES])
{
    size_t words = 0;

    for (size_t i = 0; i < toks->n && words < CUE_WORDS_MAX; i++) {
        const rm_token *t = &toks->v[i];
        if (t->kind != RM_TOK_WORD)
            continue;
        words++;
        if (t->flags & RM_TOK_CYR && non_russian_cyrillic(t->norm))
            cues[CUE_CYR_OTHER]++;
        if (t->flags & RM_TOK_LAT && accented_latin(t->norm))
            cues[CUE_LATIN_OTHER]++;
        if (t->norm_len <= 12) {
            const cue_word *hit = find_cue(t->norm, t->norm_len);
            if (hit)
                cues[hit->c]++;
        }
    }
}

/* Latin letters, names discounted when the text has Cyrillic words. */
static size_t latin_letters(const rm_tokens *toks)
{
    size_t names = 0;

    if (!toks->n_cyr)
        return toks->n_lat;
    for (size_t i = 0; i < toks->n; i++) {
        const rm_token *t = &toks->v[i];
        if (t->kind == RM_TOK_WORD && (t->flags & RM_TOK_LAT) && (t->flags & RM_TOK_UPPER1))
            names += t->norm_len;
    }
    names = RM_MIN(names, toks->n_lat);
    return toks->n_lat - names + names / NAME_DIVISOR;
}

rm_lang rm_langid_detect(const rm_tokens *toks)
{
    size_t cues[N_CUES] = {0};
    size_t cyr, lat;

    if (toks->n_cyr + toks->n_lat == 0)
        return RM_LANG_OTHER;
    pthread_once(&table_once, build_cue_table);
    count_cues(toks, cues);
    cyr = toks->n_cyr * CYR_WEIGHT + (cues[CUE_RU] + cues[CUE_CYR_OTHER]) * CUE_WEIGHT;
    lat = latin_letters(toks) + (cues[CUE_EN] + cues[CUE_LATIN_OTHER]) * CUE_WEIGHT;
    if (toks->n_other > toks->n_cyr + toks->n_lat)
        return RM_LANG_OTHER;
    if (cyr >= lat)
        return cues[CUE_CYR_OTHER] > cues[CUE_RU] ? RM_LANG_OTHER : RM_LANG_RU;
    return cues[CUE_LATIN_OTHER] > cues[CUE_EN] ? RM_LANG_OTHER : RM_LANG_EN;
}
