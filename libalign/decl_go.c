/* decl_go.c - Go declaration parser (being written). */
#include "lex.h"

int align_decl_parse_go(align_graph *g, const char *file, const char *text, size_t len)
{
    (void)g; (void)text; (void)len;
    return align_error_set(ALIGN_ESYNTAX, file, 1, 1, "Go parser not written yet");
}
