/* rm_langid: is a text Russian, English or something else?
 *
 * Thread-safety: pure functions.
 *
 * Letters by script decide between Cyrillic and Latin; frequent function words then tell
 * English from other Latin-script languages and Russian from Ukrainian, Belarusian or
 * Bulgarian. A Russian review that names English brands stays Russian: Latin letters must
 * outnumber Cyrillic ones by far before the text counts as English. */
#ifndef RM_LANGID_H
#define RM_LANGID_H

#include "nlp/nlp.h"
#include "nlp/token.h"

/* Returns RM_LANG_RU, RM_LANG_EN or RM_LANG_OTHER (also for text without letters). */
rm_lang rm_langid_detect(const rm_tokens *toks);

#endif
