/*
 * render_go.c - a Go struct declared again in another order, as its own
 * package's source would write it, so that it pastes over the original.
 *
 * Who calls it: align_render_decl (show --optimize, calc, the debugger
 * plugin) for Go layouts, and the CLI with what --src tells of the file
 * (its imports, the type parameters).
 *
 * A binary's DWARF names types by import path ("cmd/compile/internal/
 * ir.miniExpr", "*example.com/pd/inner/v2.Item", "sync/atomic.Int64", and
 * unexported fields of anonymous structs as "pkg/path.name"), and says
 * nothing of tags or type parameters.  Source writes the package-local name
 * and qualifies other packages by the name the file imports them under.  So
 * every qualified identifier of a type's text is rewritten: the type's own
 * package is dropped, another package becomes the name the file's imports
 * give it (align_go_decl_opts) or, without the file, the path's last
 * element (a major-version element "v2" and a ".v3" suffix are not the
 * name, as the go command's convention has it).  Members whose source text
 * is known (calc, or --src) are printed as written, tags included.  A
 * generic instantiation ("Pair[int,string]") is printed under its generic
 * name with the type parameters the source declares; without the source
 * they are unknown, and a comment says so.
 *
 * Rejected: printing DWARF's names as they are (they do not compile
 * anywhere), and guessing type parameters from which fields vary between
 * instantiations (a field of type K in every instantiation seen with int
 * may still be an int field).
 */
#include "model/model.h"

#include <stdio.h>
#include <string.h>

static bool path_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '/' || c == '.' || c == '-' || c == '~' || (unsigned char)c >= 0x80;
}

/* The name a package of import path [p, p+n) goes by without its file:
 * the last element, skipping a major-version element (".../v2") and
 * dropping a ".vN" suffix (gopkg.in/yaml.v3). */
static void package_name(align_buf *out, const char *p, size_t n)
{
    const char *end = p + n, *s = end;
    while (s > p && s[-1] != '/')
        s--;
    if (end - s >= 2 && s[0] == 'v' && strspn(s + 1, "0123456789") == (size_t)(end - s - 1) &&
        s > p) {
        end = s - 1;
        s = end;
        while (s > p && s[-1] != '/')
            s--;
    }
    for (const char *d = end; d > s + 1; d--)
        if (d[-1] == 'v' && d - 2 >= s && d[-2] == '.' &&
            strspn(d, "0123456789") == (size_t)(end - d) && end > d) {
            end = d - 2;
            break;
        }
    for (const char *c = s; c < end; c++)
        align_buf_append(out, *c == '-' || *c == '.' ? "_" : c, 1);
}

/* Appends the type text t with each "import/path.Name" written as the
 * package `own` (its import path) would: "Name" for its own, the file's
 * import name or the path's package name for others. */
static void qualify(align_buf *out, const char *t, const char *own, size_t own_len,
                    const align_go_decl_opts *o)
{
    while (*t) {
        const char *s = t, *dot = NULL;
        if (!path_char(*t)) {
            align_buf_append(out, t, 1);
            t++;
            continue;
        }
        while (*s == '.') /* "...T": a variadic parameter */
            s++;
        align_buf_append(out, t, (size_t)(s - t));
        t = s;
        while (path_char(*t)) {
            if (*t == '.')
                dot = t;
            t++;
        }
        if (dot == NULL || dot == s || dot + 1 == t) {
            align_buf_append(out, s, (size_t)(t - s));
            continue;
        }
        size_t plen = (size_t)(dot - s);
        bool done = false;
        if (plen == own_len && strncmp(s, own, plen) == 0)
            done = true;
        for (size_t i = 0; !done && o != NULL && i < o->nimports; i++)
            if (strlen(o->imports[i].path) == plen && strncmp(o->imports[i].path, s, plen) == 0) {
                align_buf_puts(out, o->imports[i].name);
                align_buf_puts(out, ".");
                done = true;
            }
        if (!done) {
            package_name(out, s, plen);
            align_buf_puts(out, ".");
        }
        align_buf_append(out, dot + 1, (size_t)(t - dot - 1));
    }
}

/* The type's own import path and its package-local name in l->name
 * ("example.com/pd/store.Pair[int,string]": "example.com/pd/store",
 * "Pair", and the type arguments "[int,string]"); a name without a
 * package is the local name as it is. */
static void split_name(const char *name, size_t *own_len, const char **local, size_t *local_len,
                       const char **args)
{
    const char *br = strchr(name, '['), *end = br ? br : name + strlen(name), *dot = NULL;
    for (const char *p = name; p < end; p++)
        if (*p == '.')
            dot = p;
    *own_len = dot ? (size_t)(dot - name) : 0;
    *local = dot ? dot + 1 : name;
    *local_len = (size_t)(end - *local);
    *args = br;
    if (dot == NULL) {
        /* Not a binary's name: the caller's own ("Pair[K comparable, V
         * any]", as the debugger plugin gives a generic declaration). */
        *local_len = strlen(name);
        *args = NULL;
    }
}

/* The members in `order`, one a line, then the closing brace. */
static void render_fields(align_buf *out, const align_layout *l, const size_t *order,
                          size_t own_len, const align_go_decl_opts *o)
{
    size_t width = 0;
    for (size_t k = 0; k < l->nmembers; k++) {
        const align_member *m = &l->members[order[k]];
        size_t n = strlen(m->name);
        if (!(m->flags & ALIGN_MEMBER_EMBEDDED) && n > width)
            width = n;
    }
    for (size_t k = 0; k < l->nmembers; k++) {
        const align_member *m = &l->members[order[k]];
        const char *text = m->decl_text;
        align_buf_puts(out, "\t");
        if (m->flags & ALIGN_MEMBER_EMBEDDED) {
            if (text)
                align_buf_puts(out, text);
            else
                qualify(out, m->type_name, l->name, own_len, o);
        } else {
            /* gofmt-style: the type column aligned after the names. */
            size_t nlen = strlen(m->name);
            align_buf_printf(out, "%-*s ", (int)width, m->name);
            if (text && strncmp(text, m->name, nlen) == 0 &&
                (text[nlen] == ' ' || text[nlen] == '\t')) {
                const char *rest = text + nlen;
                while (*rest == ' ' || *rest == '\t')
                    rest++;
                align_buf_puts(out, rest);
            } else {
                qualify(out, m->type_name, l->name, own_len, o);
            }
        }
        align_buf_puts(out, "\n");
    }
    align_buf_puts(out, "}\n");
}

/* ", and of N other variables" for a variable's struct that several
 * have (named after the first). */
static void put_shared(align_buf *out, const align_type *t)
{
    if (t->label_shared > 0)
        align_buf_printf(out, ", and of %u other variable%s", (unsigned)t->label_shared,
                         t->label_shared > 1 ? "s" : "");
}

void align_render_decl_go(align_buf *out, const align_layout *l, const size_t *order,
                          const align_go_decl_opts *o)
{
    size_t own_len, local_len;
    const char *local, *args;
    const align_type *holder = NULL;
    if (order == NULL)
        order = l->optimal_order;
    if (l->type != NULL && align_type_label(l->type, &holder) != NULL && holder == NULL &&
        l->type->label_local) {
        /* a function's local variable's, labelled "pkg.F.v" (the first
         * of the variables that have it): it pastes as v's type, or its
         * array's element type */
        const char *var = strrchr(l->name, '.') + 1;
        /* without the label's "·N" (U+00B7, which no Go identifier
         * holds; a letter such as "µ" starts with 0xc2 too) */
        const char *mark = strstr(var, "\xc2\xb7");
        int vlen = (int)(mark != NULL ? (size_t)(mark - var) : strlen(var));
        align_buf_printf(out, "// the anonymous struct of %s (%s of local variable %.*s of %.*s",
                         l->name, l->type->label_elem ? "element type" : "type", vlen, var,
                         (int)(var - 1 - l->name), l->name);
        put_shared(out, l->type);
        align_buf_printf(out, "): paste it as %s%.*s's %s\n",
                         l->type->label_elem ? "the element type of " : "", vlen, var,
                         l->type->label_elem ? "array" : "struct type");
        align_buf_puts(out, "struct {\n");
        render_fields(out, l, order, l->type->label_pkg, o);
        return;
    }
    if (l->type != NULL && align_type_label(l->type, &holder) != NULL && holder == NULL &&
        l->type->label_defined) {
        /* the element of a defined array type, labelled after it
         * ("runtime.semTable" of `type semTable [N]struct {...}`): it
         * pastes as the element type in the type's declaration */
        const char *type = strrchr(l->name, '.') + 1;
        align_buf_printf(out,
                         "// the anonymous struct of %s (element type of type %s): paste it "
                         "as the element type of type %s's array\n",
                         l->name, type, type);
        align_buf_puts(out, "struct {\n");
        split_name(l->name, &own_len, &local, &local_len, &args);
        render_fields(out, l, order, own_len, o);
        return;
    }
    if (l->type != NULL && align_type_label(l->type, &holder) != NULL && holder == NULL &&
        l->type->label_elem) {
        /* the element of the one package variable that is an array, a
         * slice or a map of it, labelled "pkg.V": it pastes as V's element
         * type */
        align_buf_printf(out, "// the anonymous struct of %s (element type of var %s", l->name,
                         l->name);
        put_shared(out, l->type);
        align_buf_puts(out, "): paste it as the element type of the variable's array, slice or "
                            "map\n");
        align_buf_puts(out, "struct {\n");
        split_name(l->name, &own_len, &local, &local_len, &args);
        render_fields(out, l, order, own_len, o);
        return;
    }
    if (l->type != NULL && align_type_label(l->type, &holder) != NULL && holder == NULL) {
        /* the anonymous struct of the one package variable of its type,
         * labelled "pkg.V": it pastes as V's type */
        align_buf_printf(out, "// the anonymous struct of %s (type of var %s", l->name, l->name);
        put_shared(out, l->type);
        align_buf_puts(out, "): paste it as the variable's type\n");
        align_buf_printf(out, "var %s struct {\n", strrchr(l->name, '.') + 1);
        split_name(l->name, &own_len, &local, &local_len, &args);
        render_fields(out, l, order, own_len, o);
        return;
    }
    if (l->type != NULL && align_type_label(l->type, &holder) != NULL) {
        /* an anonymous struct, labelled "pkg.T.f": it pastes as field f's
         * type, in T (the package is T's, the outermost named holder) */
        const char *field = strrchr(l->name, '.') + 1;
        align_buf arrays; /* "[2]" for a field `f [2]struct {...}` */
        align_buf_init(&arrays);
        for (uint32_t i = 0; holder != NULL && i < holder->nfields; i++)
            if (strcmp(holder->fields[i].name, field) == 0) {
                for (const align_type *a = holder->fields[i].type;
                     a != NULL && a->kind == ALIGN_KIND_ARRAY; a = a->target)
                    align_buf_printf(&arrays, "[%llu]", (unsigned long long)a->count);
                break;
            }
        while (holder != NULL && holder->label_of != NULL)
            holder = holder->label_of;
        /* the outermost holder: a named type, or a package variable's
         * anonymous struct, named by its label "pkg.V" */
        const char *top = holder == NULL ? NULL : holder->label ? holder->label : holder->name;
        split_name(top ? top : l->name, &own_len, &local, &local_len, &args);
        if (holder != NULL && holder->label_local)
            own_len = holder->label_pkg; /* "pkg.F.v": pkg */
        align_buf_printf(out, "// the anonymous struct of %s: paste it as that field's type\n",
                         l->name);
        align_buf_printf(out, "%s %sstruct {\n", field, arrays.data ? arrays.data : "");
        align_buf_free(&arrays);
        render_fields(out, l, order, own_len, o);
        return;
    }
    split_name(l->name, &own_len, &local, &local_len, &args);
    /* "name·N": the compiler's name of the N-th type declared in a
     * function of the package; the source says "name", in that function. */
    for (size_t i = 0; i + 2 < local_len; i++)
        if (memcmp(local + i, "\xc2\xb7", 2) == 0 &&
            strspn(local + i + 2, "0123456789") == local_len - i - 2) {
            align_buf_printf(out, "// declared in a function body (%.*s): paste it there\n",
                             (int)local_len, local);
            local_len = i;
            break;
        }
    if (args != NULL && (o == NULL || o->type_params == NULL)) {
        align_buf_printf(out, "// %.*s", (int)local_len, local);
        qualify(out, args, l->name, own_len, o);
        align_buf_printf(out,
                         " is an instance of the generic %.*s: its fields are shown with "
                         "these type arguments\n// (--src gives the generic declaration)\n",
                         (int)local_len, local);
    }
    align_buf_printf(out, "type %.*s%s struct {\n", (int)local_len, local,
                     args != NULL && o != NULL && o->type_params ? o->type_params : "");
    render_fields(out, l, order, own_len, o);
}
