/*
 * json.c - the members of the JSON objects structalign writes.
 *
 * Every JSON document of the CLI (audit, show and calc's --format json, the
 * data of the HTML report) is built by appending to an align_buf.  The
 * members of an object go through json_members: a table of "key": value
 * pairs, each a string (escaped by align_buf_json_string, NULL written as
 * null), an unsigned or signed 64-bit integer, or a boolean.  Nested arrays
 * and objects stay with the caller, which opens them and appends to them.
 *
 * Rejected: one printf per object with a "%llu" and an (unsigned long long)
 * cast per member, which is what maps.c, profile.c and report_html.c had:
 * the key and its value stood a dozen lines apart, strings were spliced in
 * between printfs, and the three blocks grew alike.  Also rejected: a JSON
 * library (the output is small, append-only and has a stable byte-exact
 * schema, see structalign(1)).
 */
#include "cli.h"

#include <inttypes.h>

void json_members(align_buf *out, const json_member *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        /* A member that opens its object has no comma before it. */
        if (out->len > 0 && out->data[out->len - 1] != '{')
            align_buf_puts(out, ",");
        align_buf_json_string(out, m[i].key);
        align_buf_puts(out, ":");
        switch (m[i].kind) {
        case JSON_U64: align_buf_printf(out, "%" PRIu64, m[i].u); break;
        case JSON_I64: align_buf_printf(out, "%" PRId64, m[i].i); break;
        case JSON_BOOL: align_buf_puts(out, m[i].u ? "true" : "false"); break;
        case JSON_STR:
            if (m[i].s != NULL)
                align_buf_json_string(out, m[i].s);
            else
                align_buf_puts(out, "null");
            break;
        }
    }
}
