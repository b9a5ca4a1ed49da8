/*
 * elf_check.c - is this file something the DWARF reader should be given?
 *
 * Who calls it: input_resolve (inputs.c), before libdwarf opens the file,
 * on the binary, its separate debug file and each archive member.  libdwarf
 * would reject most bad inputs too, but with messages about its internals
 * ("DW_DLE_..."); users need "empty file", "truncated", "big-endian ELF is
 * not supported", and for a binary without DWARF, how to rebuild it.  The
 * check reads the ELF header, the section table and the section names (a few
 * KB, whatever the binary's size), and verifies that every section the file
 * claims to hold lies inside it, which also catches truncated copies before
 * libdwarf maps them.
 *
 * Both ELF classes are read: 64-bit for amd64 and arm64, 32-bit for 386 and
 * arm (Go's GOARCH=386/arm, i686 and armhf GCC).  Each header is widened to
 * its Elf64 form as it is read, so one set of bounds checks serves both;
 * only the entry sizes differ.  Rejected: two copies of the walk, one per
 * class (the checks would drift apart).
 *
 * Go binaries also carry their build information (.go.buildinfo, Go 1.18+:
 * debug/buildinfo's format): the toolchain version and the main package's
 * import path, which DWARF spells "main".  The escape join needs that path
 * to tell the command's package in a -m log ("# example.com/app") from
 * another program's.
 */
#include "source/dwarf_read.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A uvarint-prefixed string of debug/buildinfo at *p (advanced). */
static bool bi_string(const unsigned char **p, const unsigned char *end, const char **s, size_t *n)
{
    uint64_t len = 0;
    unsigned shift = 0;
    while (*p < end) {
        unsigned char b = *(*p)++;
        if (shift > 56)
            return false;
        len |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (len > (uint64_t)(end - *p))
                return false;
            *s = (const char *)*p;
            *n = (size_t)len;
            *p += len;
            return true;
        }
    }
    return false;
}

/* Reads the Go version, the main package path and the main module's path
 * from .go.buildinfo (inline-string form, Go 1.18+; older layouts are left
 * unread). */
static int read_buildinfo(int fd, uint64_t off, uint64_t size, elf_go_info *gi)
{
    static const char magic[] = "\xff Go buildinf:";
    unsigned char *buf;
    const unsigned char *p, *end;
    const char *ver, *mod;
    size_t nver, nmod;
    if (size < 32 || gi == NULL)
        return 0;
    if (size > (1u << 20))
        size = 1u << 20;
    buf = malloc(size);
    if (buf == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    if (pread(fd, buf, size, (off_t)off) != (ssize_t)size || memcmp(buf, magic, 14) != 0 ||
        !(buf[15] & 2)) {
        free(buf);
        return 0;
    }
    p = buf + 32;
    end = buf + size;
    if (bi_string(&p, end, &ver, &nver) && bi_string(&p, end, &mod, &nmod)) {
        gi->go_version = strndup(ver, nver);
        if (gi->go_version == NULL) {
            free(buf);
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        }
        /* modinfo is framed by 16-byte sentinels, the last after a '\n'. */
        if (nmod >= 33 && mod[nmod - 17] == '\n') {
            const char *m = mod + 16, *mend = mod + nmod - 16;
            while (m < mend) {
                const char *nl = memchr(m, '\n', (size_t)(mend - m));
                size_t ln = nl ? (size_t)(nl - m) : (size_t)(mend - m);
                char **field = NULL;
                size_t skip = 0, len;
                if (ln > 5 && memcmp(m, "path\t", 5) == 0 && gi->main_path == NULL) {
                    field = &gi->main_path;
                    skip = 5;
                } else if (ln > 4 && memcmp(m, "mod\t", 4) == 0 && gi->main_module == NULL) {
                    field = &gi->main_module; /* "mod\tPATH\tVERSION\tSUM" */
                    skip = 4;
                }
                if (field != NULL) {
                    len = strcspn(m + skip, "\t\n");
                    if (len > ln - skip)
                        len = ln - skip;
                    *field = strndup(m + skip, len);
                    if (*field == NULL) {
                        free(buf);
                        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
                    }
                }
                m += ln + 1;
            }
        }
    }
    free(buf);
    return 0;
}

/* The fields the check reads, whatever the file's class: they mean the same
 * in Elf32 and Elf64 headers, only their widths differ. */
#define EHDR_FIELDS(X)                                                                             \
    X(e_machine) X(e_phoff) X(e_shoff) X(e_phnum) X(e_shentsize) X(e_shnum) X(e_shstrndx)
#define SHDR_FIELDS(X) X(sh_name) X(sh_type) X(sh_offset) X(sh_size) X(sh_link)
#define WIDEN(f) wide->f = narrow.f;

/* The ELF header in its 64-bit form (of a 32-bit file: the fields above,
 * the others zero). */
static void ehdr_widen(const unsigned char *raw, bool is32, Elf64_Ehdr *wide)
{
    Elf32_Ehdr narrow;
    if (!is32) {
        memcpy(wide, raw, sizeof *wide);
        return;
    }
    memcpy(&narrow, raw, sizeof narrow);
    memset(wide, 0, sizeof *wide);
    memcpy(wide->e_ident, narrow.e_ident, EI_NIDENT);
    EHDR_FIELDS(WIDEN)
}

/* Section header i of a table read raw from the file, in its 64-bit form. */
static void shdr_widen(const unsigned char *raw, bool is32, uint64_t i, Elf64_Shdr *wide)
{
    Elf32_Shdr narrow;
    if (!is32) {
        memcpy(wide, raw + i * sizeof *wide, sizeof *wide);
        return;
    }
    memcpy(&narrow, raw + i * sizeof narrow, sizeof narrow);
    memset(wide, 0, sizeof *wide);
    SHDR_FIELDS(WIDEN)
}

/* The architecture of an ELF machine number, or -1. */
static int machine_arch(unsigned machine)
{
    switch (machine) {
    case EM_X86_64: return ALIGN_ARCH_AMD64;
    case EM_AARCH64: return ALIGN_ARCH_ARM64;
    case EM_386: return ALIGN_ARCH_386;
    case EM_ARM: return ALIGN_ARCH_ARM;
    default: return -1;
    }
}

/* What the section scan found. */
typedef struct elf_sections {
    bool has_info, has_go;
    uint64_t bi_off, bi_size; /* .go.buildinfo, size 0: none */
    uint64_t id_off, id_size; /* .note.gnu.build-id, size 0: none */
    uint64_t dl_off, dl_size; /* .gnu_debuglink, size 0: none */
    char zstd[32];            /* a .debug_* section compressed with zstd, "" none */
} elf_sections;

int elf_open(const char *path, int *fd, uint64_t *size)
{
    struct stat st;
    int rc = 0;
    /* O_NONBLOCK: a FIFO must not block open(); it is refused below. */
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0)
        return error_set(ALIGN_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(*fd, &st) < 0) {
        rc = error_set(ALIGN_EIO, path, 0, 0, "cannot stat: %s", strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        rc = error_set(ALIGN_EIO, path, 0, 0, "is a directory, not a binary");
    } else if (!S_ISREG(st.st_mode)) {
        rc = error_set(ALIGN_EIO, path, 0, 0, "%s, not a regular file",
                       S_ISFIFO(st.st_mode)  ? "a FIFO (named pipe)"
                       : S_ISCHR(st.st_mode) ? "a character device"
                       : S_ISBLK(st.st_mode) ? "a block device"
                                             : "a special file");
        error_hint("give the binary itself: a Linux executable, shared library or "
                   "object file");
    } else if (st.st_size == 0) {
        rc = error_set(ALIGN_EFORMAT, path, 0, 0, "empty file");
    }
    if (rc < 0) {
        close(*fd);
        return rc;
    }
    *size = (uint64_t)st.st_size;
    return 0;
}

/* The ELF header: a little-endian 32- or 64-bit file for a machine we
 * model, whose class matches the machine.  Fills *eh (64-bit form), *is32
 * and *arch. */
static int read_header(const char *path, int fd, uint64_t size, Elf64_Ehdr *eh, bool *is32,
                       align_arch *arch)
{
    unsigned char raw[sizeof(Elf64_Ehdr)];
    uint64_t ehsize;
    int machine;

    memset(raw, 0, sizeof raw);
    if (pread(fd, raw, sizeof raw, 0) < 0)
        return error_set(ALIGN_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
    if (size < SELFMAG || memcmp(raw, ELFMAG, SELFMAG) != 0) {
        error_set(ALIGN_EFORMAT, path, 0, 0, "not an ELF file");
        error_hint("give a Linux executable, shared library or object file built with "
                   "debug information");
        return ALIGN_EFORMAT;
    }
    *is32 = raw[EI_CLASS] == ELFCLASS32;
    ehsize = *is32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
    if (size < ehsize)
        return error_set(ALIGN_EFORMAT, path, 0, 0,
                         "truncated ELF file: %llu bytes, not even a header",
                         (unsigned long long)size);
    if (raw[EI_CLASS] != ELFCLASS32 && raw[EI_CLASS] != ELFCLASS64)
        return error_set(ALIGN_EFORMAT, path, 0, 0, "unknown ELF class %u (neither 32- nor 64-bit)",
                         (unsigned)raw[EI_CLASS]);
    if (raw[EI_DATA] != ELFDATA2LSB) {
        error_set(ALIGN_EFORMAT, path, 0, 0, "big-endian ELF files are not supported");
        error_hint("supported: little-endian amd64 (x86-64), arm64 (aarch64), 386 "
                   "(i386) and arm (armhf)");
        return ALIGN_EFORMAT;
    }
    ehdr_widen(raw, *is32, eh);
    machine = machine_arch(eh->e_machine);
    if (machine < 0) {
        error_set(ALIGN_EFORMAT, path, 0, 0, "unsupported machine (ELF e_machine %u)",
                  (unsigned)eh->e_machine);
        error_hint("supported: amd64 (x86-64), arm64 (aarch64), 386 (i386) and arm "
                   "(armhf)");
        return ALIGN_EFORMAT;
    }
    if ((machine == ALIGN_ARCH_386 || machine == ALIGN_ARCH_ARM) != *is32)
        return error_set(ALIGN_EFORMAT, path, 0, 0,
                         "a %d-bit ELF file for a %d-bit machine (e_machine %u)", *is32 ? 32 : 64,
                         *is32 ? 64 : 32, (unsigned)eh->e_machine);
    *arch = (align_arch)machine;
    return 0;
}

/* The section table (64-bit form, *nsh entries, malloc'd into *out) after
 * checking that it and the program headers lie inside the file. */
static int read_section_table(const char *path, int fd, uint64_t size, const Elf64_Ehdr *eh,
                              bool is32, Elf64_Shdr **out, uint64_t *nsh, uint64_t *strndx)
{
    uint64_t shentsize = is32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr);
    uint64_t phentsize = is32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
    uint64_t shnum = eh->e_shnum, shstrndx = eh->e_shstrndx;
    unsigned char *raw;
    Elf64_Shdr *sh;

    if (eh->e_shoff == 0 || (eh->e_shentsize != shentsize && shnum != 0) || eh->e_shoff > size ||
        size - eh->e_shoff < shentsize)
        return error_set(ALIGN_EFORMAT, path, 0, 0,
                         eh->e_shoff > size ? "truncated ELF file: the section table is "
                                              "past its end"
                                            : "ELF file without a usable section table");
    if (shnum == 0 || shstrndx == SHN_XINDEX) {
        /* Extended numbering: the real values are in section 0. */
        unsigned char raw0[sizeof(Elf64_Shdr)];
        Elf64_Shdr s0;
        if (pread(fd, raw0, shentsize, (off_t)eh->e_shoff) != (ssize_t)shentsize)
            return error_set(ALIGN_EIO, path, 0, 0, "cannot read the section table");
        shdr_widen(raw0, is32, 0, &s0);
        if (shnum == 0)
            shnum = s0.sh_size;
        if (shstrndx == SHN_XINDEX)
            shstrndx = s0.sh_link;
    }
    if (shnum > (size - eh->e_shoff) / shentsize)
        return error_set(ALIGN_EFORMAT, path, 0, 0,
                         "truncated ELF file: %llu section headers do not fit in its "
                         "%llu bytes",
                         (unsigned long long)shnum, (unsigned long long)size);
    if (eh->e_phnum != 0 && (eh->e_phoff > size || eh->e_phnum > (size - eh->e_phoff) / phentsize))
        return error_set(ALIGN_EFORMAT, path, 0, 0,
                         "truncated ELF file: the program headers are past its end");
    /* shnum * shentsize fits: it is at most the file's size. */
    sh = malloc(shnum ? shnum * sizeof *sh : 1);
    raw = malloc(shnum ? shnum * shentsize : 1);
    if (sh == NULL || raw == NULL) {
        free(sh);
        free(raw);
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (pread(fd, raw, shnum * shentsize, (off_t)eh->e_shoff) != (ssize_t)(shnum * shentsize)) {
        free(sh);
        free(raw);
        return error_set(ALIGN_EIO, path, 0, 0, "cannot read the section table");
    }
    for (uint64_t i = 0; i < shnum; i++)
        shdr_widen(raw, is32, i, &sh[i]);
    free(raw);
    *out = sh;
    *nsh = shnum;
    *strndx = shstrndx;
    return 0;
}

/* The section names (NUL-terminated, malloc'd into *names), or *names NULL
 * when the string table is unusable (sections are then unnamed). */
static int read_section_names(const char *path, int fd, uint64_t size, const Elf64_Shdr *sh,
                              uint64_t shnum, uint64_t shstrndx, char **names)
{
    const Elf64_Shdr *s = shstrndx < shnum ? &sh[shstrndx] : NULL;
    *names = NULL;
    if (s == NULL || s->sh_type == SHT_NOBITS || s->sh_size >= (64u << 20) || s->sh_offset > size ||
        s->sh_size > size - s->sh_offset)
        return 0;
    *names = calloc(1, s->sh_size + 1);
    if (*names == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    if (pread(fd, *names, s->sh_size, (off_t)s->sh_offset) != (ssize_t)s->sh_size)
        return error_set(ALIGN_EIO, path, 0, 0, "cannot read the section names");
    return 0;
}

/* Every section inside the file; which say DWARF, Go, build info, a
 * separate debug file. */
static int scan_sections(const char *path, int fd, uint64_t size, const Elf64_Shdr *sh,
                         uint64_t shnum, uint64_t shstrndx, const char *names, elf_sections *f)
{
    memset(f, 0, sizeof *f);
    for (uint64_t i = 0; i < shnum; i++) {
        const char *name =
            names && sh[i].sh_name < sh[shstrndx].sh_size ? names + sh[i].sh_name : "";
        bool bits = sh[i].sh_type != SHT_NOBITS;
        if (bits && (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset))
            return error_set(ALIGN_EFORMAT, path, 0, 0,
                             "truncated ELF file: section %s ends past its end",
                             name[0] ? name : "(unnamed)");
        if ((strcmp(name, ".debug_info") == 0 || strcmp(name, ".zdebug_info") == 0) && bits &&
            sh[i].sh_size > 0)
            f->has_info = true;
        if (bits && (sh[i].sh_flags & SHF_COMPRESSED) && strncmp(name, ".debug_", 7) == 0 &&
            sh[i].sh_size >= 4 && f->zstd[0] == '\0') {
            /* Elf32_Chdr and Elf64_Chdr both start with ch_type (32 bits,
             * little-endian: the only ELF read). */
            unsigned char ct[4];
            if (pread(fd, ct, 4, (off_t)sh[i].sh_offset) == 4 &&
                ((uint32_t)ct[0] | (uint32_t)ct[1] << 8 | (uint32_t)ct[2] << 16 |
                 (uint32_t)ct[3] << 24) == 2 /* ELFCOMPRESS_ZSTD */)
                snprintf(f->zstd, sizeof f->zstd, "%s", name);
        }
        if (strcmp(name, ".gopclntab") == 0 || strcmp(name, ".go.buildinfo") == 0 ||
            strcmp(name, ".note.go.buildid") == 0)
            f->has_go = true;
        if (strcmp(name, ".go.buildinfo") == 0 && bits) {
            f->bi_off = sh[i].sh_offset;
            f->bi_size = sh[i].sh_size;
        }
        if (strcmp(name, ".note.gnu.build-id") == 0 && bits) {
            f->id_off = sh[i].sh_offset;
            f->id_size = sh[i].sh_size;
        }
        if (strcmp(name, ".gnu_debuglink") == 0 && bits) {
            f->dl_off = sh[i].sh_offset;
            f->dl_size = sh[i].sh_size;
        }
    }
    return 0;
}

/* The GNU build ID note (namesz, descsz, type NT_GNU_BUILD_ID, "GNU\0",
 * then the ID) as lowercase hex in gi->build_id; a malformed note is left
 * unread (it only serves to recognise a heap profile's binary). */
static int read_build_id(int fd, uint64_t off, uint64_t size, elf_go_info *gi)
{
    unsigned char note[16 + 64];
    uint32_t namesz, descsz, type;
    if (size < 16 || size > sizeof note || gi == NULL)
        return 0;
    if (pread(fd, note, size, (off_t)off) != (ssize_t)size)
        return 0;
    memcpy(&namesz, note, 4);
    memcpy(&descsz, note + 4, 4);
    memcpy(&type, note + 8, 4);
    if (namesz != 4 || type != NT_GNU_BUILD_ID || memcmp(note + 12, "GNU", 4) != 0 || descsz == 0 ||
        descsz > size - 16)
        return 0;
    gi->build_id = malloc(2 * (size_t)descsz + 1);
    if (gi->build_id == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (uint32_t i = 0; i < descsz; i++)
        snprintf(gi->build_id + 2 * i, 3, "%02x", note[16 + i]);
    return 0;
}

/* .gnu_debuglink: the debug file's name, NUL-terminated, padded to a
 * multiple of 4, then the CRC-32 of the whole debug file (binutils'
 * bfd_create_gnu_debuglink_section; little-endian, the only ELF read).  A
 * malformed section leaves the name "?" and no CRC. */
static void read_debuglink(int fd, uint64_t off, uint64_t size, elf_debug_ref *ref)
{
    unsigned char buf[sizeof ref->debuglink + 8];
    size_t n = size < sizeof buf ? (size_t)size : sizeof buf, len;
    ssize_t got = pread(fd, buf, n, (off_t)off);
    snprintf(ref->debuglink, sizeof ref->debuglink, "?");
    if (got <= 0)
        return;
    n = (size_t)got;
    len = strnlen((const char *)buf, n);
    if (len == 0 || len >= n || len >= sizeof ref->debuglink || memchr(buf, '/', len) != NULL)
        return;
    memcpy(ref->debuglink, buf, len + 1);
    len = (len + 4) & ~(size_t)3; /* the CRC's offset */
    if (len + 4 <= n) {
        ref->debuglink_crc = (uint32_t)buf[len] | (uint32_t)buf[len + 1] << 8 |
                             (uint32_t)buf[len + 2] << 16 | (uint32_t)buf[len + 3] << 24;
        ref->has_crc = true;
    }
}

/* No .debug_info: the error, with the hint that fits how it was lost. */
static int no_dwarf(const char *path, const elf_debug_ref *f)
{
    error_set(ALIGN_EFORMAT, path, 0, 0,
              "no DWARF debug information (the binary was stripped or built "
              "without it)");
    if (f->has_go)
        error_hint("rebuild without -ldflags=-s or -w: go build keeps DWARF by "
                   "default");
    else if (f->debuglink[0] != '\0')
        error_hint("the debug information was split into a separate file, %s "
                   "(.gnu_debuglink): give that file instead",
                   f->debuglink);
    else
        error_hint("rebuild with -g (gcc -g) and do not strip the binary, or point "
                   "--debug-dir at the directory holding its .build-id/xx/rest.debug");
    return ALIGN_EFORMAT;
}

int elf_no_dwarf(const char *path, const elf_debug_ref *ref)
{
    return no_dwarf(path, ref);
}

int elf_check_fd(int fd, uint64_t size, const char *path, align_arch *arch, elf_go_info *gi,
                 elf_debug_ref *ref)
{
    Elf64_Ehdr eh = {0};
    Elf64_Shdr *sh = NULL;
    char *names = NULL;
    elf_sections found;
    elf_debug_ref own;
    uint64_t shnum = 0, shstrndx = 0;
    bool is32 = false;
    int rc;

    if (ref == NULL)
        ref = &own;
    memset(ref, 0, sizeof *ref);
    rc = read_header(path, fd, size, &eh, &is32, arch);
    if (rc == 0)
        rc = read_section_table(path, fd, size, &eh, is32, &sh, &shnum, &shstrndx);
    if (rc == 0)
        rc = read_section_names(path, fd, size, sh, shnum, shstrndx, &names);
    if (rc == 0)
        rc = scan_sections(path, fd, size, sh, shnum, shstrndx, names, &found);
    if (rc == 0) {
        ref->has_dwarf = found.has_info;
        ref->has_go = found.has_go;
        ref->relocatable = eh.e_type == ET_REL;
        if (found.dl_size > 0)
            read_debuglink(fd, found.dl_off, found.dl_size, ref);
    }
    if (rc == 0 && !found.has_info && ref == &own)
        rc = no_dwarf(path, ref);
    if (rc == 0 && found.zstd[0] != '\0') {
        /* libdwarf (0.x as packaged with this build) inflates zlib only: on
         * zstd it fails with DW_DLE_ZDEBUG_INPUT_FORMAT_ODD, read as
         * "corrupt DWARF".  Said plainly instead. */
        rc = error_set(ALIGN_EFORMAT, path, 0, 0,
                       "the debug information (%s) is compressed with zstd, which this "
                       "libdwarf cannot read",
                       found.zstd);
        error_hint("rebuild with zlib or none (-Wl,--compress-debug-sections=zlib or =none), "
                   "or decompress a copy: objcopy --decompress-debug-sections BIN COPY");
    }
    if (rc == 0 && found.bi_size > 0)
        rc = read_buildinfo(fd, found.bi_off, found.bi_size, gi);
    if (rc == 0 && found.id_size > 0)
        rc = read_build_id(fd, found.id_off, found.id_size, gi);
    free(names);
    free(sh);
    return rc;
}

int elf_check(const char *path, align_arch *arch, elf_go_info *gi)
{
    uint64_t size = 0;
    int fd = -1;
    int rc = elf_open(path, &fd, &size);
    if (rc < 0)
        return rc;
    rc = elf_check_fd(fd, size, path, arch, gi, NULL);
    close(fd);
    return rc;
}
