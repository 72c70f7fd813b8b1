/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-symbol-file-private.h: the parts of HsSymbolFile shared between its files.
 *
 *   hs-symbol-file.c   the GObject: locking, public entry points
 *   hs-elf-open.c      opening and checking the ELF, its build ID, before anything trusts it
 *   hs-elf-symtab.c    the ELF symbol table (pure: built once, then read-only)
 *   hs-dwarf-index.c   opening the DWARF, the name index, DIE and attribute helpers
 *   hs-dwarf-scan.c    the name index read straight from the section bytes, on several threads
 *   hs-dwarf-index-cache.c  the name index saved on disk, keyed by the file's build ID
 *   hs-dwarf-types.c   type sizes, type names, finding named types
 *   hs-dwarf-members.c member paths (offsetof through anonymous members, arrays, bit-fields)
 *   hs-dwarf-typeinfo.c types by DIE for value formatting: kinds, members, enumerators
 *   hs-dwarf-lines.c   address <-> line, CU address ranges
 *   hs-dwarf-cfi.c     call-frame rules
 *   hs-dwarf-scope.c   the parameters and locals in scope at a pc
 *   hs-dwarf-precheck.c  what libdwarf is not trusted to read, checked before it reads it
 *   hs-elf-reloc.c     a relocatable object (a kernel module) placed at its load addresses
 *   hs-symbol-file-reloc.c  loading one that way (hs_symbol_file_load_relocated)
 *
 * Everything named _hs_dwarf_* runs with self->dwarf_lock held: libdwarf's Dwarf_Debug is not
 * thread-safe, and neither is libelf's lazy section loading it triggers.
 */
#pragma once

#include <pthread.h>

#include "hs-symbol-file.h"
#include "hs-sync.h"

#include <dwarf.h>
#include <gelf.h>
#include <libdwarf.h>
#include <libelf.h>

G_BEGIN_DECLS

/* Bounds against hostile or corrupt input. */
#define HS_DWARF_MAX_DEPTH 32          /* typedef chains, anonymous nesting, type names */
#define HS_DWARF_MAX_CHILDREN 100000   /* members of one DIE */
/* Member DIEs one member lookup may visit, over all the anonymous structs and unions it looks
 * into. Depth alone is no bound: two anonymous members per level make 2^depth paths. Linux's
 * task_struct, anonymous members and all, is a few hundred. */
#define HS_DWARF_MAX_LOOKUP_MEMBERS 250000
/* DIEs one C spelling of a type may visit (function pointer parameters branch too). */
#define HS_DWARF_MAX_TYPE_TEXT_DIES 4096

/* ------------------------------------------------------------------------------------------ */
/* hs-elf-symtab.c                                                                            */

typedef struct _HsElfSymtab HsElfSymtab;

HsElfSymtab *_hs_elf_symtab_new            (Elf              *elf,
                                            Elf_Scn          *symtab_scn,
                                            const char       *file_name,
                                            GError          **error);
void         _hs_elf_symtab_free           (HsElfSymtab      *symtab);
guint        _hs_elf_symtab_get_n_symbols  (const HsElfSymtab *symtab);
gboolean     _hs_elf_symtab_lookup         (const HsElfSymtab *symtab,
                                            const char       *name,
                                            HsSymbol         *out);
gboolean     _hs_elf_symtab_lookup_address (const HsElfSymtab *symtab,
                                            guint64           address,
                                            HsSymbol         *out,
                                            guint64          *offset);
GArray      *_hs_elf_symtab_match          (const HsElfSymtab *symtab,
                                            const char       *pattern,
                                            guint             max,
                                            guint            *n_matches);

/* ------------------------------------------------------------------------------------------ */
/* hs-elf-reloc.c                                                                             */

/* A relocatable file is copied into memory to be relocated: no module is near this. */
#define HS_ELF_RELOC_MAX_FILE_SIZE (G_GUINT64_CONSTANT (512) << 20)

/* Where a relocatable file was placed, and what became of its relocations. */
typedef struct _HsElfReloc HsElfReloc;

typedef struct
{
  guint64 applied;
  guint64 unplaced;                    /* against a section the map gives no address */
  guint64 undefined;                   /* against an undefined or common symbol */
  guint64 out_of_range;                /* the value does not fit the field, or wraps */
  guint64 unsupported;                 /* a type other than NONE, ABS* and PREL*, or REL */
  guint64 compressed;                  /* in an SHF_COMPRESSED section */
  guint64 symbols_dropped;             /* functions and objects left out: no address */
} HsElfRelocCounts;

/* Rewrites @image (the whole file, @size bytes, writable) in place into the file a linker
 * would have made with each section of @map at its address: see hs-elf-reloc.c. With
 * @section_relative, @map is not used and every allocated section is placed at 0: the plain
 * loader's view of an object, relocated by the same checked code rather than by libdwarf.
 * Pure: it reads and writes @image only. NULL with @error set when the file or the map is
 * malformed. */
HsElfReloc  *_hs_elf_relocate              (guint8                 *image,
                                            gsize                   size,
                                            const char             *file_name,
                                            const HsSectionAddress *map,
                                            guint                   n_map,
                                            gboolean                section_relative,
                                            GError                **error);
void         _hs_elf_reloc_free            (HsElfReloc             *reloc);
const HsElfRelocCounts *_hs_elf_reloc_get_counts (const HsElfReloc *reloc);
guint64      _hs_elf_reloc_not_applied     (const HsElfReloc       *reloc);
gboolean     _hs_elf_reloc_is_section_relative (const HsElfReloc *reloc);
/* Whether @address is inside a section the map placed (always, when section-relative). */
gboolean     _hs_elf_reloc_is_placed       (const HsElfReloc       *reloc,
                                            guint64                 address);
/* Lines for hs_symbol_file_describe(): the placement and the counts. */
void         _hs_elf_reloc_describe        (const HsElfReloc       *reloc,
                                            GString                *out);

/* ------------------------------------------------------------------------------------------ */
/* The name index (hs-dwarf-index.c)                                                          */

typedef enum
{
  HS_DWARF_NS_STRUCT,
  HS_DWARF_NS_UNION,
  HS_DWARF_NS_ENUM,
  HS_DWARF_NS_TYPEDEF,                 /* typedefs and base types: the names C uses bare */
  HS_DWARF_NS_VARIABLE,
  HS_DWARF_NS_FUNCTION,
  HS_DWARF_NS_COUNT
} HsDwarfNs;

typedef struct
{
  Dwarf_Off die;                       /* global offset of the CU DIE */
  const char *name;                    /* DW_AT_name, borrowed from the DWARF string sections */
  Dwarf_Half version;
} HsDwarfCu;

/* Where an index came from: tests and the benchmark check which path ran. */
typedef enum
{
  HS_DWARF_INDEX_NONE,
  HS_DWARF_INDEX_LIBDWARF,             /* the reference walk through libdwarf's DIE API */
  HS_DWARF_INDEX_SCAN,                 /* hs-dwarf-scan.c */
  HS_DWARF_INDEX_CACHE,                /* hs-dwarf-index-cache.c */
} HsDwarfIndexSource;

/* Immutable once built: only read (under dwarf_lock) after that. */
typedef struct
{
  /* name -> GSIZE_TO_POINTER (die_offset << 1 | weak), where weak marks an entry kept only
   * until something better turns up: a variable without a location, a function without code.
   * Names are borrowed from the DWARF sections, or from @strings for a cached index. */
  GHashTable *names[HS_DWARF_NS_COUNT];
  GArray *cus;                         /* of HsDwarfCu, in .debug_info order */
  guint64 n_dies;                      /* top-level DIEs visited */
  double seconds;                      /* how long indexing (or loading it) took */
  HsDwarfIndexSource source;
  GBytes *strings;                     /* owns the names of a cached index; NULL otherwise */
} HsDwarfIndex;

#define HS_DWARF_ENTRY(off, weak) GSIZE_TO_POINTER (((gsize) (off) << 1) | ((weak) ? 1 : 0))
#define HS_DWARF_ENTRY_OFFSET(p)  ((Dwarf_Off) (GPOINTER_TO_SIZE (p) >> 1))
#define HS_DWARF_ENTRY_WEAK(p)    ((GPOINTER_TO_SIZE (p) & 1) != 0)

HsDwarfIndex *_hs_dwarf_index_new      (void);
void          _hs_dwarf_index_free     (HsDwarfIndex          *index);
/* The first strong definition wins; a weak one is kept only until a strong one turns up. */
void          _hs_dwarf_index_insert   (HsDwarfIndex          *index,
                                        HsDwarfNs              ns,
                                        const char            *name,
                                        Dwarf_Off              off,
                                        gboolean               weak);

typedef struct _HsDwarfLines HsDwarfLines;
typedef struct _HsDwarfCfi HsDwarfCfi;

struct _HsSymbolFile
{
  GObject parent_instance;

  /* Immutable once loaded */
  char *path;
  char *basename;
  int fd;
  Elf *elf;
  guint64 file_size;
  gint64 file_mtime_ns;                /* keys the index cache, with the build ID */
  guint8 build_id[64];                 /* NT_GNU_BUILD_ID, read at load */
  guint build_id_len;                  /* 0: the file has none */
  guint16 elf_type;                    /* ET_REL for a relocated file, as it was on disk */
  HsElfReloc *reloc;                   /* a relocated file: where it was placed; else NULL */
  HsElfSymtab *symtab;
  const char *symtab_section;          /* ".symtab" or ".dynsym" */
  guint64 debug_info_size;
  guint has_debug_info : 1;
  guint has_debug_line : 1;
  guint has_debug_frame : 1;
  guint has_eh_frame : 1;
  guint has_debug_aranges : 1;

  /* Atomic: set once the index exists, so asking never waits for indexing to finish. */
  gint indexed;

  /* Guarded by dwarf_lock */
  HsMutex dwarf_lock;
  Dwarf_Debug dbg;
  GError *dwarf_error;                 /* set once DWARF is known to be unusable */
  char *dwarf_handled;                 /* what libdwarf last reported to our error handler (a
                                        * call it made without an error pointer), for the
                                        * GError of the call that then fails; or NULL */
  HsDwarfIndex *index;
  HsDwarfLines *lines;
  HsDwarfCfi *cfi;
  gboolean use_aranges;                /* tests clear it to exercise the CU-range fallback */
  HsDwarfIndexSource index_source;     /* how the last index was obtained; kept across close */
  /* The index's on-disk copy is written on a thread of its own once the index is published
   * (it only reads the index, which no longer changes); joined before the index is freed. */
  pthread_t cache_saver;
  gboolean saving;
  GHashTable *members;                 /* "type\npath" -> HsMember: answers already found (the
                                        * file does not change), at most MAX_MEMBER_MEMO */
  GHashTable *enumerators;             /* enumerator name -> HsDwarfEnumerator, of every named
                                        * enum, built on the first hs_symbol_file_find_enumerator */
};

/* Opens the DWARF (without indexing): enough for call-frame information. */
gboolean     _hs_dwarf_open            (HsSymbolFile          *self,
                                        GError               **error);
/* Opens the DWARF and builds the index if not done yet. */
gboolean     _hs_dwarf_ensure          (HsSymbolFile          *self,
                                        HsSymbolsProgressFunc  progress,
                                        gpointer               progress_data,
                                        GCancellable          *cancellable,
                                        GError               **error);
void         _hs_dwarf_close           (HsSymbolFile          *self);
gboolean     _hs_dwarf_index_lookup    (HsSymbolFile          *self,
                                        HsDwarfNs              ns,
                                        const char            *name,
                                        Dwarf_Off             *die,
                                        gboolean              *weak);
guint        _hs_dwarf_index_count     (HsSymbolFile          *self,
                                        HsDwarfNs              ns);
/* For "did you mean": the name in @ns, or among @candidates, closest to @name if that is
 * close enough to be a typo; NULL otherwise. */
char        *_hs_dwarf_index_suggest   (HsSymbolFile          *self,
                                        HsDwarfNs              ns,
                                        const char            *name);
char        *_hs_suggest_from          (const char            *name,
                                        GPtrArray             *candidates);

/* libdwarf plumbing: every Dwarf_Error is consumed by one of these. */
void         _hs_dwarf_set_error       (HsSymbolFile          *self,
                                        GError               **error,
                                        Dwarf_Error            derr,
                                        const char            *format,
                                        ...) G_GNUC_PRINTF (4, 5);
void         _hs_dwarf_drop_error      (HsSymbolFile          *self,
                                        Dwarf_Error           *derr);

gboolean     _hs_dwarf_die_at          (HsSymbolFile          *self,
                                        Dwarf_Off              offset,
                                        Dwarf_Die             *die,
                                        GError               **error);
void         _hs_dwarf_die_free        (HsSymbolFile          *self,
                                        Dwarf_Die              die);
Dwarf_Half   _hs_dwarf_tag             (HsSymbolFile          *self,
                                        Dwarf_Die              die);
Dwarf_Off    _hs_dwarf_offset          (HsSymbolFile          *self,
                                        Dwarf_Die              die);
const char  *_hs_dwarf_name            (HsSymbolFile          *self,
                                        Dwarf_Die              die);
gboolean     _hs_dwarf_has            (HsSymbolFile          *self,
                                        Dwarf_Die              die,
                                        Dwarf_Half             attr);
/* These return DW_DLV_OK, DW_DLV_NO_ENTRY (attribute absent) or DW_DLV_ERROR (@error set). */
/* hs-dwarf-index.c */
Elf_Data    *_hs_dwarf_find_section    (HsSymbolFile          *self,
                                        const char            *wanted);
gboolean     _hs_dwarf_section_bytes   (HsSymbolFile          *self,
                                        const char            *name,
                                        const guint8         **data,
                                        guint64               *size);
/* hs-dwarf-precheck.c */
gboolean     _hs_dwarf_check_list_headers (HsSymbolFile       *self,
                                           const char         *section,
                                           GError            **error);
gboolean     _hs_dwarf_line_header_check (const guint8        *line,
                                          guint64              line_size,
                                          guint64              offset,
                                          guint64              str_size,
                                          guint64              line_str_size,
                                          GError             **error);
gboolean     _hs_dwarf_cu_lines_ok     (HsSymbolFile          *self,
                                        Dwarf_Die              cu_die,
                                        GError               **error);
int          _hs_dwarf_udata           (HsSymbolFile          *self,
                                        Dwarf_Die              die,
                                        Dwarf_Half             attr,
                                        guint64               *out,
                                        GError               **error);
int          _hs_dwarf_ref             (HsSymbolFile          *self,
                                        Dwarf_Die              die,
                                        Dwarf_Half             attr,
                                        Dwarf_Off             *out,
                                        GError               **error);
int          _hs_dwarf_addr            (HsSymbolFile          *self,
                                        Dwarf_Die              die,
                                        Dwarf_Half             attr,
                                        guint64               *out,
                                        GError               **error);
/* Walks children: first with @next == NULL, then with the previous child, which it frees. */
int          _hs_dwarf_next_child      (HsSymbolFile          *self,
                                        Dwarf_Die              parent,
                                        Dwarf_Die              previous,
                                        Dwarf_Die             *next,
                                        GError               **error);
/* The file names of the CU holding @die, indexed by DWARF file number; NULL with @error set. */
GPtrArray   *_hs_dwarf_cu_files        (HsSymbolFile          *self,
                                        Dwarf_Die              die,
                                        GError               **error);
Dwarf_Half   _hs_dwarf_cu_version      (HsSymbolFile          *self,
                                        Dwarf_Off              cu_die);

/* For tests: builds an index the given way (LIBDWARF or SCAN, never the cache) without keeping
 * it, so that two ways can be compared. @n_threads 0 picks the number the scanner would use.
 * Takes dwarf_lock. */
HsDwarfIndex *_hs_dwarf_build_index_for_test (HsSymbolFile       *self,
                                              HsDwarfIndexSource  source,
                                              guint               n_threads,
                                              GError            **error);
/* How the current (or last) index was obtained; takes dwarf_lock. */
HsDwarfIndexSource _hs_symbol_file_get_index_source (HsSymbolFile *self);

/* ------------------------------------------------------------------------------------------ */
/* hs-dwarf-scan.c                                                                            */

/* The sections the scanner reads, borrowed from the ELF mapping. Absent ones are NULL/0. */
typedef struct
{
  const guint8 *info;
  guint64 info_size;
  const guint8 *abbrev;
  guint64 abbrev_size;
  const guint8 *str;
  guint64 str_size;
  const guint8 *line_str;
  guint64 line_str_size;
  const guint8 *str_offsets;
  guint64 str_offsets_size;
} HsDwarfSections;

/* Threads the scanner uses by default for @info_size bytes of .debug_info. */
guint         _hs_dwarf_scan_threads   (guint64                info_size);
/* The index of @sections, on @n_threads threads (the calling one included). Fails with
 * G_IO_ERROR_NOT_SUPPORTED for DWARF it does not know (libdwarf may: fall back to it),
 * HS_SYMBOLS_ERROR_CORRUPT, or G_IO_ERROR_CANCELLED. @progress runs in the calling thread. */
HsDwarfIndex *_hs_dwarf_scan_index     (const HsDwarfSections *sections,
                                        const char            *basename,
                                        guint                  n_threads,
                                        HsSymbolsProgressFunc  progress,
                                        gpointer               progress_data,
                                        const char            *progress_what,
                                        GCancellable          *cancellable,
                                        GError               **error);

/* ------------------------------------------------------------------------------------------ */
/* hs-dwarf-index-cache.c                                                                     */

/* What a cache file must match to be used: the file's build ID, modification time and sizes. */
typedef struct
{
  guint8 build_id[64];
  guint build_id_len;                  /* 0: no build ID, so no cache */
  guint64 file_size;
  gint64 mtime_ns;                     /* a file patched in place keeps its build ID */
  guint64 info_size;
  guint64 abbrev_size;
  guint64 str_size;
} HsDwarfCacheKey;

/* The cache file for @key, or NULL when there is none to use (no build ID, disabled). */
char         *_hs_dwarf_cache_path     (const HsDwarfCacheKey *key);
/* The index saved in @path, or NULL (with a g_debug saying why) when it is absent, stale or
 * corrupt: a cache file is never trusted. */
HsDwarfIndex *_hs_dwarf_cache_load     (const char            *path,
                                        const HsDwarfCacheKey *key);
/* Saves @index to @path atomically; failing is not an error (g_debug). */
void          _hs_dwarf_cache_save     (const char            *path,
                                        const HsDwarfCacheKey *key,
                                        const HsDwarfIndex    *index);

/* ------------------------------------------------------------------------------------------ */
/* hs-dwarf-types.c                                                                           */

#define HS_DWARF_MAX_DIMS 8

/* A type, possibly with its first @skip array dimensions already indexed away. */
typedef struct
{
  Dwarf_Off off;         /* 0 is void */
  guint skip;
} HsDwarfTypeRef;

typedef struct
{
  guint n;
  guint64 count[HS_DWARF_MAX_DIMS];
  gboolean known[HS_DWARF_MAX_DIMS];
} HsDwarfDims;

/* Shared with hs-dwarf-members.c and hs-dwarf-typeinfo.c. */
gboolean     _hs_dwarf_is_aggregate    (Dwarf_Half             tag);
/* The DIE referenced by @die's DW_AT_type; 0 (void) when there is none. */
gboolean     _hs_dwarf_type_of         (HsSymbolFile          *self,
                                        Dwarf_Die              die,
                                        Dwarf_Off             *type,
                                        GError               **error);
/* Through typedefs and qualifiers to the type that has a layout, and from a declaration to its
 * definition elsewhere. *@tag is 0 for void. */
gboolean     _hs_dwarf_strip_type      (HsSymbolFile          *self,
                                        Dwarf_Off              off,
                                        Dwarf_Off             *out,
                                        Dwarf_Half            *tag,
                                        GError               **error);
gboolean     _hs_dwarf_array_dims      (HsSymbolFile          *self,
                                        Dwarf_Die              array,
                                        HsDwarfDims           *dims,
                                        GError               **error);
gboolean     _hs_dwarf_type_size_ref   (HsSymbolFile          *self,
                                        HsDwarfTypeRef         type,
                                        guint                  depth,
                                        guint64               *size,
                                        GError               **error);
char        *_hs_dwarf_type_name_ref   (HsSymbolFile          *self,
                                        HsDwarfTypeRef         type);
/* "struct task_struct", "union foo", "pid_t", "task_struct" to a DIE. */
gboolean     _hs_dwarf_find_named_type (HsSymbolFile          *self,
                                        const char            *spelled,
                                        Dwarf_Off             *off,
                                        GError               **error);
gboolean     _hs_dwarf_type_size       (HsSymbolFile          *self,
                                        const char            *type_name,
                                        guint64               *size,
                                        GError               **error);
/* hs-dwarf-typeinfo.c */
typedef struct
{
  Dwarf_Off die;                       /* the enum */
  gint64 value;
} HsDwarfEnumerator;

/* hs-dwarf-members.c */
typedef struct
{
  guint64 offset;
  guint bit_offset;
  guint bit_size;
  Dwarf_Off type;
} HsDwarfFound;

gboolean     _hs_dwarf_member_location (HsSymbolFile          *self,
                                        Dwarf_Die              member,
                                        HsDwarfFound          *found,
                                        GError               **error);
int          _hs_dwarf_find_member     (HsSymbolFile          *self,
                                        Dwarf_Off              agg,
                                        const char            *name,
                                        HsDwarfFound          *found,
                                        GPtrArray             *seen,
                                        GError               **error);
gboolean     _hs_dwarf_member          (HsSymbolFile          *self,
                                        const char            *type_name,
                                        const char            *path,
                                        HsMember              *out,
                                        GError               **error);
char        *_hs_dwarf_type_text       (HsSymbolFile          *self,
                                        Dwarf_Off              off);
gboolean     _hs_dwarf_type_size_at    (HsSymbolFile          *self,
                                        Dwarf_Off              off,
                                        guint64               *size,
                                        GError               **error);
int          _hs_dwarf_read_block      (HsSymbolFile          *self,
                                        Dwarf_Die              die,
                                        Dwarf_Half             attr,
                                        GBytes               **out,
                                        GError               **error);

/* ------------------------------------------------------------------------------------------ */
/* hs-dwarf-info.c                                                                            */

gboolean     _hs_dwarf_variable        (HsSymbolFile          *self,
                                        const char            *name,
                                        HsSymbolInfo          *out,
                                        GError               **error);
gboolean     _hs_dwarf_function        (HsSymbolFile          *self,
                                        const char            *name,
                                        HsSymbolInfo          *out,
                                        GError               **error);

/* ------------------------------------------------------------------------------------------ */
/* hs-dwarf-lines.c                                                                           */

void         _hs_dwarf_lines_free      (HsSymbolFile          *self);
gboolean     _hs_dwarf_address_to_line (HsSymbolFile          *self,
                                        guint64                address,
                                        char                 **file,
                                        guint                 *line,
                                        GError               **error);
gboolean     _hs_dwarf_find_cu         (HsSymbolFile          *self,
                                        guint64                address,
                                        Dwarf_Off             *cu,
                                        GError               **error);
gboolean     _hs_dwarf_die_covers      (HsSymbolFile          *self,
                                        Dwarf_Die              die,
                                        Dwarf_Off              cu,
                                        guint64                address,
                                        gboolean              *covers,
                                        GError               **error);
gboolean     _hs_dwarf_line_to_address (HsSymbolFile          *self,
                                        const char            *file_suffix,
                                        guint                  line,
                                        guint64               *address,
                                        guint                 *actual_line,
                                        GError               **error);

/* ------------------------------------------------------------------------------------------ */
/* hs-dwarf-scope.c                                                                           */

gboolean     _hs_dwarf_scope           (HsSymbolFile          *self,
                                        guint64                pc,
                                        HsScope               *out,
                                        GError               **error);

/* ------------------------------------------------------------------------------------------ */
/* hs-dwarf-cfi.c                                                                             */

void         _hs_dwarf_cfi_free        (HsSymbolFile          *self);
gboolean     _hs_dwarf_frame_rule      (HsSymbolFile          *self,
                                        guint64                pc,
                                        HsFrameRule           *out,
                                        GError               **error);

/* ------------------------------------------------------------------------------------------ */
/* hs-symbol-file.c                                                                           */

/* A public DWARF query's start: takes dwarf_lock and indexes on first use; FALSE (unlocked)
 * when the DWARF cannot be read. Every TRUE is ended with _hs_symbol_file_dwarf_end(). */
gboolean     _hs_symbol_file_dwarf_begin (HsSymbolFile        *self,
                                          GError             **error);
void         _hs_symbol_file_dwarf_end   (HsSymbolFile        *self);

/* ------------------------------------------------------------------------------------------ */
/* hs-elf-open.c                                                                              */

/* Opens the ELF file @fd (which @self then owns, and closes) and reads its symbol table;
 * messages name self->path. */
gboolean     _hs_symbol_file_open_fd   (HsSymbolFile          *self,
                                        int                    fd,
                                        GError               **error);

/* hs-symbol-file-reloc.c */

/* The ELF type (ET_REL, ET_EXEC...) of @fd if it is a 64-bit little-endian AArch64 ELF file,
 * else ET_NONE. */
guint        _hs_elf_aarch64_type      (int                    fd);
/* _hs_symbol_file_open_fd() for an ET_REL file @fd (which it closes): of a copy of it
 * relocated by _hs_elf_relocate(). */
gboolean     _hs_symbol_file_open_relocated (HsSymbolFile     *self,
                                             int               fd,
                                             const HsSectionAddress *map,
                                             guint             n_map,
                                             gboolean          section_relative,
                                             GError          **error);

/* Kernels built with -fpatchable-function-entry (ftrace) start functions with NOPs that the ELF
 * symbol covers but DWARF (low_pc, line table, FDE) does not. For a pc on such NOPs at the start
 * of a function, the address of the first instruction after them; otherwise @pc. */
guint64      _hs_skip_entry_nops       (HsSymbolFile          *self,
                                        guint64                pc);

G_END_DECLS
