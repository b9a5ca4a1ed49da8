/*
 * dwarf_sections.c - an ELF file's DWARF sections, each read once: mapped
 * from the file, or inflated (SHF_COMPRESSED, zlib) once and the copy
 * shared by libdwarf and the raw readers (dwarf_scan.c, dwarf_lines.c).
 *
 * Who calls it: dwarf.c's load_file, once for each file it reads by path
 * (elf_file_open, dwarf_open_input); the raw readers take their sections
 * from the elf_file (scan_open, scan_open_inflated, lines_open).
 *
 * Why: Go writes every .debug_* section compressed.  libdwarf's ELF reader
 * inflates what it reads into memory it keeps to itself, and the raw
 * readers inflated .debug_info again: on cmd/compile (Go 1.19, 24 MB; 8 MB
 * of .debug_info inflated) 21 ms of the ~190 ms of CPU an audit took, and a
 * second copy of the section at the peak.  Here libdwarf reads the file
 * through its object interface (dwarf_object_init_b), handed the raw
 * readers' inflated copies of .debug_info, .debug_abbrev, .debug_str,
 * .debug_line, .debug_line_str and .debug_addr, and the mapped file for
 * every other section (libdwarf's ELF reader copied plain sections into
 * memory too: a C binary's 10 MB .debug_info was read twice).  Compressed
 * sections outside that list (.debug_frame, .debug_loc, .debug_ranges ...,
 * which the reader never asks for) are handed over as they are, flag and
 * all, and libdwarf inflates them itself if it ever reads one.
 *
 * Exactly libdwarf's reading, or libdwarf's own ELF reader:
 *
 *   - libdwarf's ELF reader opens every file first (dwarf_init_path, as
 *     always), so every file it refuses is refused with its message; only
 *     then, when the file is one the object interface reads exactly as it
 *     does, that handle is closed and one over the object interface takes
 *     its place.  The first costs ~1 ms on cmd/compile (it reads the symbol
 *     table), and makes the refusals the same by construction.
 *   - Read exactly: a little-endian ET_EXEC or ET_DYN file (an ET_REL
 *     object's sections need the relocations libdwarf applies), read by
 *     path (not an archive member, not a separate debug file), whose
 *     section table and section names lie within the file, with no section
 *     group (COMDAT or split DWARF), no .zdebug_ section (GNU's older
 *     compression), no .dwo section or .debug_cu/tu_index (split DWARF), no
 *     DWARF section without bytes (SHT_NOBITS), no relocation section for
 *     a section libdwarf reads; and libdwarf the release whose sources this
 *     was checked against (20210528: LIBDWARF_VERIFIED).  Anything else is
 *     read by libdwarf's ELF reader, as before.
 *   - The object reports what libdwarf's ELF reader reports (dwarf_elfread.c
 *     of that release: each section's address, type, size, name, link,
 *     info and entry size; little-endian; length and pointer size 4 or 8 by
 *     ELF class), but for a section handed inflated: its inflated size,
 *     and no SHF_COMPRESSED flag.  A section is handed inflated only when
 *     libdwarf would inflate it to the same bytes: its zlib header passes
 *     libdwarf's checks (a Chdr of type zlib, not a "ZLIB" .zdebug header;
 *     an inflated size at least half and at most 16 times the compressed
 *     one: libdwarf's ALLOWED_ZLIB_INFLATION) and it inflates to exactly
 *     ch_size bytes.  Otherwise it is handed compressed, and libdwarf
 *     inflates or refuses it as it always did, with its own message.
 *   - libdwarf 20210528 learns a section's flags from a process-global
 *     function pointer that its ELF readers set (_dwarf_get_elf_flags_func_
 *     ptr; an object interface of that release has no field for them), and
 *     calls it with the object of whatever file it opens.  So the pointer is
 *     ours (dwarf_flags) for the length of dwarf_object_init_b, and put back
 *     after, under a lock that every libdwarf open of this library takes:
 *     two of our threads never open at once.  A weak reference: a libdwarf
 *     without it is never given an object.
 *   - dwarf_finish is safe on the handle: it frees an object whose first
 *     byte is not one of its readers' letters (E, F, M, P) by
 *     dwarf_object_finish alone.  The elf_file outlives the handle.
 *
 * Rejected: a whole ELF image rewritten with the sections inflated, handed
 * to libdwarf's own reader in a memory file (as archive members are):
 * libdwarf still copies every section it reads, and the equivalence is a
 * rewritten file's.  Inflating every compressed section up front: Go's
 * .debug_loc and .debug_frame are as large as .debug_info and never read.
 * libdeflate (1.14) for the inflating: 2.4 times zlib's speed (cmd/compile's
 * .debug_info and .debug_line: 27 -> 11 ms), but it takes DEFLATE streams
 * that zlib refuses (31 or 32 offset codes, 287 or 288 literal/length
 * codes, a code-length repeat past the table), and the copies are the ones
 * libdwarf reads, whose own zlib would refuse them: a broken file would
 * read.  No section the raw readers inflate is one libdwarf never reads.
 */
#include "source/dwarf_read.h"

#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* An inflated section larger than this is left to libdwarf. */
#define SECTIONS_MAX_INFLATED (1ull << 30)
/* libdwarf's release whose ELF reader the object interface mirrors. */
#define LIBDWARF_VERIFIED "20210528"
/* Sections inflated and kept (elf_file_inflated): the raw readers read at
 * most six. */
#define MAX_COPIES 8

/* A section inflated once (elf_file_inflated). */
typedef struct sec_copy {
    uint64_t offset; /* the compressed section's offset in the file: its key */
    uint8_t *data;   /* malloc'd; NULL when it cannot be inflated */
    uint64_t len;
} sec_copy;

/* A section as libdwarf's object interface sees it. */
typedef struct obj_section {
    uint64_t addr, type, size, link, info, entsize, flags, addralign, offset;
    const char *name;     /* in the mapped section-name table */
    const uint8_t *bytes; /* an inflated copy handed over; NULL: the file's */
} obj_section;

struct elf_file {
    /* first: libdwarf's dwarf_finish reads the object's first byte as the
     * kind of its own readers' objects (E, F, M, P); 'S' is none */
    char kind;
    uint8_t *map; /* the file, copy-on-write (never written here) */
    size_t map_len;
    sec_copy copies[MAX_COPIES];
    size_t ncopies;
    /* the object interface (elf_file_dwarf) */
    bool is32;
    obj_section *secs; /* by section index */
    size_t nsecs;
    Dwarf_Obj_Access_Interface iface;
};

/* ----------------------------------------------------------- the file */

static bool section_named(const uint8_t *base, size_t size, const Elf64_Shdr *strtab, uint64_t name,
                          const char *want)
{
    size_t n = strlen(want) + 1;
    if (strtab->sh_offset > size || strtab->sh_size > size - strtab->sh_offset ||
        name >= strtab->sh_size || strtab->sh_size - name < n)
        return false;
    return memcmp(base + strtab->sh_offset + name, want, n) == 0;
}

/* Section header i, widened to Elf64; false when out of bounds. */
static bool shdr(const uint8_t *base, size_t size, bool is32, uint64_t shoff, uint64_t i,
                 Elf64_Shdr *out)
{
    uint64_t ent = is32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr);
    if (shoff > size || i > (size - shoff) / ent || (size - shoff) / ent - i < 1)
        return false;
    if (is32) {
        Elf32_Shdr s;
        memcpy(&s, base + shoff + i * ent, sizeof s);
        out->sh_name = s.sh_name;
        out->sh_type = s.sh_type;
        out->sh_flags = s.sh_flags;
        out->sh_addr = s.sh_addr;
        out->sh_offset = s.sh_offset;
        out->sh_size = s.sh_size;
        out->sh_link = s.sh_link;
        out->sh_info = s.sh_info;
        out->sh_addralign = s.sh_addralign;
        out->sh_entsize = s.sh_entsize;
    } else {
        memcpy(out, base + shoff + i * ent, sizeof *out);
    }
    return true;
}

/* The ELF header's section table fields; false when the file is not a
 * little-endian ELF file.  *type: e_type. */
static bool ehdr(const uint8_t *base, size_t size, bool *is32, unsigned *type, uint64_t *shoff,
                 uint64_t *shnum, uint64_t *shstrndx, unsigned *shentsize)
{
    if (size < sizeof(Elf64_Ehdr) || memcmp(base, ELFMAG, SELFMAG) != 0 ||
        base[EI_DATA] != ELFDATA2LSB)
        return false;
    *is32 = base[EI_CLASS] == ELFCLASS32;
    if (*is32) {
        Elf32_Ehdr eh;
        memcpy(&eh, base, sizeof eh);
        *type = eh.e_type;
        *shoff = eh.e_shoff;
        *shnum = eh.e_shnum;
        *shstrndx = eh.e_shstrndx;
        *shentsize = eh.e_shentsize;
    } else {
        Elf64_Ehdr eh;
        memcpy(&eh, base, sizeof eh);
        *type = eh.e_type;
        *shoff = eh.e_shoff;
        *shnum = eh.e_shnum;
        *shstrndx = eh.e_shstrndx;
        *shentsize = eh.e_shentsize;
    }
    return true;
}

int elf_find_section(const uint8_t *base, size_t size, const char *name, elf_section *out)
{
    uint64_t shoff, shnum, shstrndx;
    unsigned type, shentsize;
    Elf64_Shdr strtab, sh;
    bool is32;
    int found = 0;
    if (!ehdr(base, size, &is32, &type, &shoff, &shnum, &shstrndx, &shentsize) || type == ET_REL)
        return -1; /* ET_REL: the sections need relocations libdwarf applies */
    if (shnum == 0 || shstrndx == SHN_UNDEF || shstrndx >= SHN_LORESERVE ||
        !shdr(base, size, is32, shoff, shstrndx, &strtab))
        return -1;
    for (uint64_t i = 1; i < shnum; i++) {
        if (!shdr(base, size, is32, shoff, i, &sh))
            return -1; /* every header in bounds, not only up to the one wanted */
        if (found || !section_named(base, size, &strtab, sh.sh_name, name))
            continue;
        if (sh.sh_type == SHT_NOBITS || sh.sh_offset > size || sh.sh_size > size - sh.sh_offset)
            return -1;
        out->offset = sh.sh_offset;
        out->size = sh.sh_size;
        out->compressed = (sh.sh_flags & SHF_COMPRESSED) != 0;
        out->is32 = is32;
        found = 1;
    }
    return found;
}

/* The compression header of sec (size bytes): its type and ch_size. */
static bool chdr(const uint8_t *sec, uint64_t size, bool is32, uint32_t *type, uint64_t *out_size)
{
    uint32_t size32;
    if (size < (is32 ? sizeof(Elf32_Chdr) : sizeof(Elf64_Chdr)))
        return false;
    memcpy(type, sec + offsetof(Elf64_Chdr, ch_type), sizeof *type); /* 0 in both */
    if (is32) {
        memcpy(&size32, sec + offsetof(Elf32_Chdr, ch_size), sizeof size32);
        *out_size = size32;
    } else {
        memcpy(out_size, sec + offsetof(Elf64_Chdr, ch_size), sizeof *out_size);
    }
    return true;
}

uint8_t *elf_inflate(const uint8_t *sec, uint64_t size, bool is32, uint64_t *out_len)
{
    uint64_t hdr = is32 ? sizeof(Elf32_Chdr) : sizeof(Elf64_Chdr), out_size;
    uint32_t type;
    uint8_t *out;
    uLongf got;
    if (!chdr(sec, size, is32, &type, &out_size))
        return NULL;
    if (type != ELFCOMPRESS_ZLIB || out_size == 0 || out_size > SECTIONS_MAX_INFLATED ||
        (uLongf)out_size != out_size || (uLong)(size - hdr) != size - hdr)
        return NULL;
    out = malloc((size_t)out_size);
    if (out == NULL)
        return NULL;
    got = (uLongf)out_size;
    if (uncompress(out, &got, sec + hdr, (uLong)(size - hdr)) != Z_OK || got != out_size) {
        free(out);
        return NULL;
    }
    *out_len = out_size;
    return out;
}

void *elf_map_file(const char *path, size_t *len)
{
    struct stat st;
    void *map;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        close(fd);
        return NULL;
    }
    /* copy-on-write: libdwarf is handed these bytes as writable memory
     * (its ELF reader's copies are); it writes only when it applies
     * relocations, which it is never asked to here, and a write would stay
     * in this process */
    map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return NULL;
    *len = (size_t)st.st_size;
    return map;
}

elf_file *elf_file_open(const char *path)
{
    elf_file *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->kind = 'S';
    f->map = elf_map_file(path, &f->map_len);
    if (f->map == NULL) {
        free(f);
        return NULL;
    }
    return f;
}

void elf_file_close(elf_file *f)
{
    if (f == NULL)
        return;
    munmap(f->map, f->map_len);
    for (size_t k = 0; k < f->ncopies; k++)
        free(f->copies[k].data);
    FREE_ALL(f->secs, f);
}

const uint8_t *elf_file_map(const elf_file *f, size_t *len)
{
    *len = f->map_len;
    return f->map;
}

const uint8_t *elf_file_inflated(elf_file *f, const elf_section *sec, uint64_t *len)
{
    sec_copy *c = NULL;
    for (size_t k = 0; k < f->ncopies && c == NULL; k++)
        if (f->copies[k].offset == sec->offset)
            c = &f->copies[k];
    if (c == NULL) {
        if (f->ncopies == MAX_COPIES)
            return NULL;
        c = &f->copies[f->ncopies++];
        c->offset = sec->offset;
        c->data = elf_inflate(f->map + sec->offset, sec->size, sec->is32, &c->len);
    }
    *len = c->len;
    return c->data;
}

/* ------------------------------------------------- libdwarf's object */

typedef int (*elf_flags_fn)(void *obj, Dwarf_Half index, Dwarf_Unsigned *flags,
                            Dwarf_Unsigned *addralign, int *error);
/* libdwarf 20210528's hook (dwarf_init_finish.c: get_basic_section_data),
 * set by its ELF readers; NULL when the library has none. */
extern elf_flags_fn _dwarf_get_elf_flags_func_ptr __attribute__((weak));

/* Every libdwarf open of this library, and the hook's owner while one of
 * ours is made. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static elf_file *hook_file;   /* the file being opened by dwarf_flags */
static elf_flags_fn hook_old; /* the hook before */

/* Whether a name is one of the sections libdwarf reads or relocates
 * (dwarf_init_finish.c: this_section_dwarf_relevant, but relocations). */
static bool dwarf_relevant(const char *name)
{
    static const char *const others[] = {".eh_frame",  ".gnu_debuglink", ".note.gnu.build-id",
                                         ".gdb_index", ".symtab",        ".strtab"};
    if (strncmp(name, ".debug_", 7) == 0 || strncmp(name, ".zdebug_", 8) == 0)
        return true;
    for (size_t k = 0; k < sizeof others / sizeof *others; k++)
        if (strcmp(name, others[k]) == 0)
            return true;
    return false;
}

/* A relocation section, as libdwarf tells one (by name or by type). */
static bool relocations(const char *name, uint64_t type)
{
    return strncmp(name, ".rel.", 5) == 0 || strncmp(name, ".rela.", 6) == 0 || type == SHT_REL ||
           type == SHT_RELA;
}

/* A section the object interface does not read as libdwarf's ELF reader
 * does: split DWARF, old compression, section groups, DWARF without bytes. */
static bool foreign_section(const obj_section *s)
{
    size_t n = strlen(s->name);
    return s->type == SHT_GROUP || strncmp(s->name, ".zdebug_", 8) == 0 ||
           (n >= 4 && strcmp(s->name + n - 4, ".dwo") == 0) ||
           strcmp(s->name, ".debug_cu_index") == 0 || strcmp(s->name, ".debug_tu_index") == 0 ||
           (s->type == SHT_NOBITS && dwarf_relevant(s->name));
}

/* The section table of f as the object interface reports it: false when
 * the file is not one it reads exactly (see the top of the file). */
static bool read_table(elf_file *f)
{
    uint64_t shoff, shnum, shstrndx;
    unsigned type, shentsize;
    Elf64_Shdr strtab, sh;
    if (!ehdr(f->map, f->map_len, &f->is32, &type, &shoff, &shnum, &shstrndx, &shentsize) ||
        (type != ET_EXEC && type != ET_DYN) ||
        shentsize != (f->is32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr)) || shnum == 0 ||
        shnum >= SHN_LORESERVE || shstrndx == SHN_UNDEF || shstrndx >= shnum ||
        !shdr(f->map, f->map_len, f->is32, shoff, shstrndx, &strtab) ||
        strtab.sh_type == SHT_NOBITS || strtab.sh_offset > f->map_len ||
        strtab.sh_size > f->map_len - strtab.sh_offset || strtab.sh_size == 0 ||
        f->map[strtab.sh_offset + strtab.sh_size - 1] != 0)
        return false; /* a name table whose last name ends in it */
    f->secs = calloc(shnum, sizeof *f->secs);
    if (f->secs == NULL)
        return false;
    f->nsecs = shnum;
    for (uint64_t i = 0; i < shnum; i++) {
        obj_section *s = &f->secs[i];
        if (!shdr(f->map, f->map_len, f->is32, shoff, i, &sh) || sh.sh_name >= strtab.sh_size)
            return false;
        *s = (obj_section){.addr = sh.sh_addr,
                           .type = sh.sh_type,
                           .size = sh.sh_size,
                           .link = sh.sh_link,
                           .info = sh.sh_info,
                           .entsize = sh.sh_entsize,
                           .flags = sh.sh_flags,
                           .addralign = sh.sh_addralign,
                           .offset = sh.sh_offset,
                           .name = (const char *)f->map + strtab.sh_offset + sh.sh_name};
        if (foreign_section(s) ||
            (s->type != SHT_NOBITS && (s->offset > f->map_len || s->size > f->map_len - s->offset)))
            return false;
    }
    for (uint64_t i = 1; i < shnum; i++) {
        const obj_section *s = &f->secs[i];
        if (!relocations(s->name, s->type) || s->info == 0)
            continue;
        if (s->info >= shnum || dwarf_relevant(f->secs[s->info].name))
            return false; /* relocations libdwarf would apply, or refuse */
    }
    return true;
}

/* Whether libdwarf 20210528 (dwarf_init_finish.c: do_decompress_zlib)
 * inflates the SHF_COMPRESSED section of size bytes at sec without an
 * error, to ch_size bytes if the stream says so. */
static bool libdwarf_inflates(const uint8_t *sec, uint64_t size, bool is32)
{
    uint64_t hdr = is32 ? 12 : 24, src, out;
    uint32_t type;
    if (size < 12 || memcmp(sec, "ZLIB", 4) == 0 || !chdr(sec, size, is32, &type, &out) ||
        type != ELFCOMPRESS_ZLIB)
        return false;
    src = size - hdr;
    if (src > 50 && out < src / 2)
        return false; /* "compression never inflates" */
    return src <= UINT64_MAX / 16 && out <= src * 16;
}

/* The sections both libdwarf and the raw readers read, handed inflated. */
static void hand_inflated(elf_file *f)
{
    static const char *const shared[] = {".debug_info", ".debug_abbrev",   ".debug_str",
                                         ".debug_line", ".debug_line_str", ".debug_addr"};
    for (size_t i = 1; i < f->nsecs; i++) {
        obj_section *s = &f->secs[i];
        elf_section sec = {s->offset, s->size, true, f->is32};
        uint64_t len = 0;
        bool want = false;
        for (size_t k = 0; k < sizeof shared / sizeof *shared && !want; k++)
            want = strcmp(s->name, shared[k]) == 0; /* never SHT_NOBITS: read_table */
        if (want && (s->flags & SHF_COMPRESSED) &&
            libdwarf_inflates(f->map + s->offset, s->size, f->is32))
            s->bytes = elf_file_inflated(f, &sec, &len);
        if (s->bytes != NULL) {
            s->size = len;
            s->flags &= ~(uint64_t)SHF_COMPRESSED;
        }
    }
}

static int obj_section_info(void *obj, Dwarf_Half i, Dwarf_Obj_Access_Section *out, int *error)
{
    const elf_file *f = obj;
    const obj_section *s;
    (void)error;
    if (i >= f->nsecs)
        return DW_DLV_NO_ENTRY;
    s = &f->secs[i];
    *out = (Dwarf_Obj_Access_Section){.addr = s->addr,
                                      .type = s->type,
                                      .size = s->size,
                                      .name = s->name,
                                      .link = s->link,
                                      .info = s->info,
                                      .entrysize = s->entsize};
    return DW_DLV_OK;
}

static Dwarf_Endianness obj_byte_order(void *obj)
{
    (void)obj;
    return DW_OBJECT_LSB;
}

static Dwarf_Small obj_word_size(void *obj)
{
    return ((const elf_file *)obj)->is32 ? 4 : 8;
}

static Dwarf_Unsigned obj_section_count(void *obj)
{
    return ((const elf_file *)obj)->nsecs;
}

static int obj_load_section(void *obj, Dwarf_Half i, Dwarf_Small **data, int *error)
{
    elf_file *f = obj;
    const obj_section *s;
    if (i == 0 || i >= f->nsecs)
        return DW_DLV_NO_ENTRY;
    s = &f->secs[i];
    if (s->bytes != NULL) {
        *data = (Dwarf_Small *)s->bytes; /* libdwarf reads it only */
        return DW_DLV_OK;
    }
    if (s->size == 0)
        return DW_DLV_NO_ENTRY;
    if (s->offset > f->map_len || s->size > f->map_len - s->offset) {
        *error = DW_DLE_ELF_SECTION_ERROR; /* a section without bytes */
        return DW_DLV_ERROR;
    }
    *data = f->map + s->offset;
    return DW_DLV_OK;
}

/* _dwarf_get_elf_flags_func_ptr while one of our objects is opened. */
static int dwarf_flags(void *obj, Dwarf_Half i, Dwarf_Unsigned *flags, Dwarf_Unsigned *addralign,
                       int *error)
{
    const elf_file *f = obj;
    if (f != hook_file)
        return hook_old != NULL ? hook_old(obj, i, flags, addralign, error) : DW_DLV_OK;
    if (i == 0)
        return DW_DLV_OK;
    if (i >= f->nsecs) {
        *error = DW_DLE_SECTION_INDEX_BAD;
        return DW_DLV_ERROR;
    }
    *flags = f->secs[i].flags;
    *addralign = f->secs[i].addralign;
    return DW_DLV_OK;
}

static const Dwarf_Obj_Access_Methods obj_methods = {
    obj_section_info,  obj_byte_order,   obj_word_size, obj_word_size,
    obj_section_count, obj_load_section, NULL, /* no relocations: read_table */
};

/* A handle on f's sections through the object interface: 0 and *dbg, or -1
 * when f is not a file it reads exactly (nothing is open).  Called with
 * open_lock held. */
static int elf_file_dwarf(elf_file *f, Dwarf_Debug *dbg)
{
    Dwarf_Error err = NULL;
    int res;
    if (&_dwarf_get_elf_flags_func_ptr == NULL ||
        strcmp(dwarf_package_version(), LIBDWARF_VERIFIED) != 0 || !read_table(f))
        return -1;
    hand_inflated(f);
    f->iface.object = f;
    f->iface.methods = &obj_methods;
    hook_old = _dwarf_get_elf_flags_func_ptr;
    hook_file = f;
    _dwarf_get_elf_flags_func_ptr = dwarf_flags;
    res = dwarf_object_init_b(&f->iface, NULL, NULL, DW_GROUPNUMBER_ANY, dbg, &err);
    _dwarf_get_elf_flags_func_ptr = hook_old;
    hook_file = NULL;
    if (res == DW_DLV_OK)
        return 0;
    if (res == DW_DLV_ERROR && err != NULL)
        dwarf_dealloc(NULL, err, DW_DLA_ERROR);
    return -1;
}

int dwarf_open_input(const input_file *in, elf_file *f, Dwarf_Debug *dbg, Dwarf_Error *err)
{
    Dwarf_Debug mine = NULL;
    Dwarf_Error ferr = NULL;
    int res;
    pthread_mutex_lock(&open_lock);
    if (in->fd >= 0)
        res = dwarf_init_b(in->fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, dbg, err);
    else
        res = dwarf_init_path(in->path, NULL, 0, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, dbg,
                              NULL, 0, NULL, err);
    if (res == DW_DLV_OK && f != NULL && in->fd < 0 && elf_file_dwarf(f, &mine) == 0) {
        dwarf_finish(*dbg, &ferr); /* libdwarf's ELF reader accepted it: ours reads it */
        *dbg = mine;
    }
    pthread_mutex_unlock(&open_lock);
    return res;
}
