/* libFuzzer: selectors and rule files. The first byte picks the target: the CSS to XPath
 * compiler (and libxml2 compiling its output), an XPath expression, a JSONPath, or a whole
 * YAML rule file. Bad input must come back as an error with a message, never a crash. */
#include "core/rm.h"

#include <libxml/parser.h>

#include "extractors/css.h"
#include "extractors/extract_int.h"
#include "extractors/jsonpath.h"
#include "extractors/xdoc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    xmlInitParser();
    return 0;
}

static void selector(int kind, const char *s)
{
    char err[256] = "";
    rm_xsel *sel = NULL;
    rm_jsonpath *jp = NULL;
    rm_jsonpath_err jerr;
    rm_buf b;

    switch (kind) {
    case 0:
        rm_buf_init(&b, RM_BUF_NOLIMIT);
        if (rm_css_to_xpath(s, &b, err, sizeof(err)) != RM_OK && !err[0])
            abort();
        rm_buf_release(&b);
        /* fall through: libxml2 must accept what the compiler writes */
    case 1:
        if (rm_xsel_compile(s, kind == 0, &sel, err, sizeof(err)) != RM_OK && !err[0])
            abort();
        rm_xsel_free(sel);
        break;
    default:
        if (rm_jsonpath_compile(s, &jp, &jerr) == RM_OK)
            rm_jsonpath_free(jp);
        else if (!jerr.msg[0])
            abort();
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_diag d;
    rm_rules *r = NULL;
    char *s;

    if (!size)
        return 0;
    if (data[0] % 4 == 3) {
        rm_diag_init(&d);
        if (rm_rules_load("fuzz.yaml", (const char *)data + 1, size - 1, &d, &r) == RM_OK)
            rm_rules_free(r);
        else if (!d.n)
            abort(); /* an error always says what is wrong */
        rm_diag_release(&d);
        return 0;
    }
    s = rm_xstrndup((const char *)data + 1, size - 1);
    selector(data[0] % 4, s);
    free(s);
    return 0;
}
