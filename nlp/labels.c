#include "core/rm.h"
#include "nlp/nlp.h"

const char *rm_label_str(rm_label label)
{
    switch (label) {
    case RM_LABEL_NEG: return "neg";
    case RM_LABEL_NEU: return "neu";
    case RM_LABEL_POS: return "pos";
    }
    return "neu";
}

const char *rm_lang_str(rm_lang lang)
{
    switch (lang) {
    case RM_LANG_AUTO: return "auto";
    case RM_LANG_EN: return "en";
    case RM_LANG_RU: return "ru";
    case RM_LANG_OTHER: return "other";
    }
    return "other";
}

int rm_lang_parse(const char *s, rm_lang *out)
{
    static const rm_lang all[] = {RM_LANG_AUTO, RM_LANG_EN, RM_LANG_RU, RM_LANG_OTHER};
    for (size_t i = 0; i < RM_ARRAY_LEN(all); i++)
        if (!strcmp(s, rm_lang_str(all[i]))) {
            *out = all[i];
            return 0;
        }
    return -1;
}
