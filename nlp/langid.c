#include "core/rm.h"
#include "nlp/langid.h"

#include <pthread.h>

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

/* Frequent words that are unambiguous within their script; sorted once for bsearch. */
static cue_word cue_words[] = {
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
    {"са", CUE_CYR_OTHER}, {"ще", CUE_CYR_OTHER}, {"много", CUE_CYR_OTHER},
    {"беше", CUE_CYR_OTHER}, {"ја", CUE_CYR_OTHER}, {"је", CUE_CYR_OTHER},
};

static pthread_once_t sort_once = PTHREAD_ONCE_INIT;

static int cmp_cue(const void *a, const void *b)
{
    return strcmp(((const cue_word *)a)->w, ((const cue_word *)b)->w);
}

static void sort_cues(void)
{
    qsort(cue_words, RM_ARRAY_LEN(cue_words), sizeof(cue_words[0]), cmp_cue);
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
            cue_word key = {t->norm, CUE_EN};
            const cue_word *hit = bsearch(&key, cue_words, RM_ARRAY_LEN(cue_words),
                                          sizeof(cue_words[0]), cmp_cue);
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
    pthread_once(&sort_once, sort_cues);
    count_cues(toks, cues);
    cyr = toks->n_cyr * CYR_WEIGHT + (cues[CUE_RU] + cues[CUE_CYR_OTHER]) * CUE_WEIGHT;
    lat = latin_letters(toks) + (cues[CUE_EN] + cues[CUE_LATIN_OTHER]) * CUE_WEIGHT;
    if (toks->n_other > toks->n_cyr + toks->n_lat)
        return RM_LANG_OTHER;
    if (cyr >= lat)
        return cues[CUE_CYR_OTHER] > cues[CUE_RU] ? RM_LANG_OTHER : RM_LANG_RU;
    return cues[CUE_LATIN_OTHER] > cues[CUE_EN] ? RM_LANG_OTHER : RM_LANG_EN;
}
