/*
 * dwarfwalk.c - the floor for `make bench`: the least work any DWARF-based
 * layout tool must do.  Opens a binary with libdwarf, visits every DIE of
 * every compile unit once (depth first, as a layout reader must), reads each
 * DIE's tag, and counts struct/union types and members.  Nothing is built.
 *
 * structalign audit is measured against this (target: within 2x its time and
 * peak RSS) and against pahole.  Kept deliberately naive but not wasteful:
 * every libdwarf object is deallocated as soon as it is visited.
 */
#include <libdwarf.h>
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long long ndies, nstructs, nmembers;

static void walk(Dwarf_Debug dbg, Dwarf_Die die, int is_info)
{
    Dwarf_Error err = NULL;
    Dwarf_Die cur = die;
    for (;;) {
        Dwarf_Half tag = 0;
        Dwarf_Die child = NULL, sib = NULL;
        ndies++;
        if (dwarf_tag(cur, &tag, &err) == DW_DLV_OK) {
            if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type)
                nstructs++;
            else if (tag == DW_TAG_member)
                nmembers++;
        }
        if (dwarf_child(cur, &child, &err) == DW_DLV_OK) {
            walk(dbg, child, is_info);
        }
        int rc = dwarf_siblingof_b(dbg, cur, is_info, &sib, &err);
        if (cur != die)
            dwarf_dealloc(dbg, cur, DW_DLA_DIE);
        if (rc != DW_DLV_OK)
            break;
        cur = sib;
    }
    dwarf_dealloc(dbg, die, DW_DLA_DIE);
}

int main(int argc, char **argv)
{
    Dwarf_Debug dbg = NULL;
    Dwarf_Error err = NULL;
    unsigned long long ncus = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: dwarfwalk BINARY\n");
        return 2;
    }
    if (dwarf_init_path(argv[1], NULL, 0, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &dbg, NULL,
                        0, NULL, &err) != DW_DLV_OK) {
        fprintf(stderr, "%s: cannot read DWARF\n", argv[1]);
        return 2;
    }
    for (;;) {
        Dwarf_Unsigned hdr_len, abbrev, next;
        Dwarf_Half version, addr_size, off_size, ext_size, hdr_type;
        Dwarf_Sig8 sig;
        Dwarf_Unsigned typeoff;
        Dwarf_Die cu = NULL;
        int rc = dwarf_next_cu_header_d(dbg, 1, &hdr_len, &version, &abbrev, &addr_size, &off_size,
                                        &ext_size, &sig, &typeoff, &next, &hdr_type, &err);
        if (rc != DW_DLV_OK)
            break;
        ncus++;
        if (dwarf_siblingof_b(dbg, NULL, 1, &cu, &err) == DW_DLV_OK)
            walk(dbg, cu, 1);
    }
    printf("cus %llu dies %llu structs %llu members %llu\n", ncus, ndies, nstructs, nmembers);
    dwarf_finish(dbg, &err);
    return 0;
}
