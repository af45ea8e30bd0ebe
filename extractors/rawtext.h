/* Where a page's <script> and <style> contents are, found the way an HTML5 tokenizer finds
 * them, so that rm_html_parse() can hand Gumbo the page without them and put the text back
 * into the tree afterwards.
 *
 * Thread-safety: any thread; no state.
 *
 * DESIGN. Gumbo spends its time per character, and a script's or style sheet's characters
 * are the dearest it reads (each is a token of its own, then appended to a text node): on a
 * 30 KB product page with a 3 KB style sheet and 4 KB of JSON-LD they are a third of the parse,
 * and on real pages inline scripts are often half the bytes. This scanner is a small part of
 * the tokenizer (tags with quoted attributes, comments, raw-text and RCDATA elements, foreign
 * content) and it only has to be right where it cuts: rm_html_parse() checks every cut
 * against the tree Gumbo builds and parses the whole page again when one does not match.
 * Where it is unsure (a script holding "<!--", whose end depends on escaping; an unterminated
 * element; <plaintext>) it stops cutting, and inside <svg> and <math> it never cuts. So it
 * can miss a cut, which costs only time, but a cut it makes is the parser's own. */
#ifndef RM_RAWTEXT_H
#define RM_RAWTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Most cuts one page gets; later scripts stay in the page. */
#define RM_RAWTEXT_MAX_CUTS 64
/* Shorter contents are left in place: a cut costs a node and a check. */
#define RM_RAWTEXT_MIN_BYTES 64

typedef struct rm_rawtext_cut {
    size_t tag;   /* offset of the start tag's '<' */
    size_t start; /* the contents are [start, end); end is the end tag's '<' */
    size_t end;
    bool style;   /* <style>, else <script> */
    bool has_cr;  /* the contents hold CR, which the parser reads as LF */
} rm_rawtext_cut;

/* Fills cuts (up to max, in document order) with the script and style contents of len bytes
 * of UTF-8 HTML that the parser would read as they are: valid UTF-8 without NUL, control
 * characters or noncharacters, at least RM_RAWTEXT_MIN_BYTES long. Returns how many. */
size_t rm_rawtext_scan(const char *html, size_t len, rm_rawtext_cut *cuts, size_t max);

#endif
