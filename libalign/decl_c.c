/* decl_c.c - C declaration parser (being written). */
#include "lex.h"

#include <string.h>

int align_decl_parse_c(align_graph *g, const char *file, const char *text, size_t len)
{
    (void)g; (void)text; (void)len;
    return align_error_set(ALIGN_ESYNTAX, file, 1, 1, "C parser not written yet");
}

align_lang align_decl_guess_lang(const char *text, size_t len)
{
    (void)text; (void)len;
    return ALIGN_LANG_C;
}
