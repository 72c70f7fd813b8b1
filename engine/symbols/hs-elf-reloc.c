/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-elf-reloc.c: a relocatable ELF object (a Linux kernel module) turned, in
 * memory, into the file a linker would have made had it placed each section
 * where the target's module loader did.
 *
 * The kernel puts each allocated section of a module (.text, .init.text,
 * .data, .bss, __ksymtab...) at an address of its own, and relocates the code
 * and data it loads; the debugger reads those from the target. What it reads
 * from the file is the symbol table and the DWARF, and in an ET_REL object
 * both are section-relative: a symbol's value is an offset in its section,
 * and every address, string offset and unit offset in the DWARF is zero until
 * a .rela.debug_* section says what goes there. So, on a private copy of the
 * file:
 *
 *   - each section in the map gets its sh_addr; an allocated section the map
 *     leaves out keeps no address (SHF_ALLOC is cleared and its symbols are
 *     made undefined, so that they are left out rather than shown at offsets
 *     that look like addresses);
 *   - the relocations of the sections the debugger reads from the file (the
 *     ones that are not allocated, and .eh_frame) are applied, S + A or
 *     S + A - P, for the AArch64 types DWARF uses; the rest are counted;
 *   - every defined symbol's value becomes its address;
 *   - the result is marked ET_EXEC, and every relocation section is detached
 *     from its target (sh_info = 0): libdwarf relocates .debug_* sections on
 *     its own when it finds a .rela section naming one, and must not do it a
 *     second time, with its own rules, over ours.
 *
 * Everything here is hostile input: the file and the map. Every header,
 * index, offset and width is checked before it is used, the arithmetic is
 * done in 128 bits and range-checked before anything is written, and the
 * work is bounded by the size of the file (relocation sections may not add
 * up to more than the file, so overlapping ones cannot multiply it).
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include <string.h>

#define EHDR_SIZE 64
#define SHDR_SIZE 64
#define SYM_SIZE 24
#define RELA_SIZE 24

/* What describe() lists of the placement: a module has a few dozen sections. */
#define MAX_LISTED 64

/* AArch64's R_<CLS>_NONE is 0 or 256 (ELF for the Arm 64-bit Architecture, 5.7). */
#define R_AARCH64_NONE_256 256

typedef struct
{
  const char *name;                    /* borrowed from the image's .shstrtab */
  guint32 type;
  guint64 flags;
  guint64 offset;
  guint64 size;
  guint32 link;
  guint32 info;
  guint64 entsize;
  gboolean placed;
  guint64 address;                     /* where it was placed, else 0 */
} Section;

typedef struct
{
  char *name;
  guint64 address;
  guint64 size;
} Placed;

struct _HsElfReloc
{
  GArray *placed;                      /* of Placed, in file order */
  GPtrArray *unplaced;                 /* names of allocated sections given no address */
  GPtrArray *ignored;                  /* names in the map that are no allocated section */
  gboolean section_relative;           /* every section at 0, as the file has it */
  HsElfRelocCounts counts;
};

static guint64
get_le (const guint8 *p,
        guint         n)
{
  guint64 v = 0;

  for (guint i = 0; i < n; i++)
    v |= (guint64) p[i] << (8 * i);
  return v;
}

static void
put_le (guint8  *p,
        guint    n,
        guint64  v)
{
  for (guint i = 0; i < n; i++)
    p[i] = (guint8) (v >> (8 * i));
}

/* Whether [offset, offset + len) lies inside [0, size). */
static gboolean
inside (guint64 offset,
        guint64 len,
        guint64 size)
{
  return offset <= size && len <= size - offset;
}

static void
section_name_list (GString   *s,
                   GPtrArray *names)
{
  for (guint i = 0; i < names->len && i < MAX_LISTED; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "",
                            (const char *) g_ptr_array_index (names, i));
  if (names->len > MAX_LISTED)
    g_string_append_printf (s, " and %u more", names->len - MAX_LISTED);
}

static void
placed_clear (Placed *placed)
{
  g_free (placed->name);
}

void
_hs_elf_reloc_free (HsElfReloc *reloc)
{
  if (reloc == NULL)
    return;
  g_array_unref (reloc->placed);
  g_ptr_array_unref (reloc->unplaced);
  g_ptr_array_unref (reloc->ignored);
  g_free (reloc);
}

const HsElfRelocCounts *
_hs_elf_reloc_get_counts (const HsElfReloc *reloc)
{
  return &reloc->counts;
}

guint64
_hs_elf_reloc_not_applied (const HsElfReloc *reloc)
{
  const HsElfRelocCounts *c = &reloc->counts;

  return c->unplaced + c->unsupported + c->undefined + c->out_of_range + c->compressed;
}

gboolean
_hs_elf_reloc_is_section_relative (const HsElfReloc *reloc)
{
  return reloc->section_relative;
}

gboolean
_hs_elf_reloc_is_placed (const HsElfReloc *reloc,
                         guint64           address)
{
  if (reloc->section_relative)
    return TRUE;
  for (guint i = 0; i < reloc->placed->len; i++)
    {
      const Placed *p = &g_array_index (reloc->placed, Placed, i);

      if (address >= p->address && address - p->address < p->size)
        return TRUE;
    }
  return FALSE;
}

void
_hs_elf_reloc_describe (const HsElfReloc *reloc,
                        GString          *s)
{
  const HsElfRelocCounts *c = &reloc->counts;

  if (reloc->section_relative)
    goto counts;
  g_string_append (s, "  placed (relocatable): ");
  for (guint i = 0; i < reloc->placed->len && i < MAX_LISTED; i++)
    {
      const Placed *p = &g_array_index (reloc->placed, Placed, i);

      g_string_append_printf (s, "%s%s at 0x%" G_GINT64_MODIFIER "x", i > 0 ? ", " : "",
                              p->name, p->address);
    }
  if (reloc->placed->len > MAX_LISTED)
    g_string_append_printf (s, " and %u more", reloc->placed->len - MAX_LISTED);
  if (reloc->placed->len == 0)
    g_string_append (s, "no section has an address");
  g_string_append_c (s, '\n');
  if (reloc->unplaced->len > 0)
    {
      g_string_append (s, "  no address (their symbols are left out): ");
      section_name_list (s, reloc->unplaced);
      g_string_append_c (s, '\n');
    }
  if (reloc->ignored->len > 0)
    {
      g_string_append (s, "  in the map but not an allocated section of this file (ignored): ");
      section_name_list (s, reloc->ignored);
      g_string_append_c (s, '\n');
    }

counts:
  g_string_append_printf (s, "  relocations: %" G_GUINT64_FORMAT " applied to what is read "
                          "from the file (DWARF, call-frame information)", c->applied);
  if (_hs_elf_reloc_not_applied (reloc) > 0)
    {
      g_string_append_printf (s, "; %" G_GUINT64_FORMAT " could not be applied:",
                              _hs_elf_reloc_not_applied (reloc));
      if (c->unplaced > 0)
        g_string_append_printf (s, " %" G_GUINT64_FORMAT " against sections with no address "
                                "(left as in the file),", c->unplaced);
      if (c->undefined > 0)
        g_string_append_printf (s, " %" G_GUINT64_FORMAT " against undefined symbols,",
                                c->undefined);
      if (c->out_of_range > 0)
        g_string_append_printf (s, " %" G_GUINT64_FORMAT " whose value does not fit,",
                                c->out_of_range);
      if (c->unsupported > 0)
        g_string_append_printf (s, " %" G_GUINT64_FORMAT " of types not handled,",
                                c->unsupported);
      if (c->compressed > 0)
        g_string_append_printf (s, " %" G_GUINT64_FORMAT " in compressed sections,",
                                c->compressed);
      g_string_truncate (s, s->len - 1);
    }
  g_string_append_c (s, '\n');
  if (c->symbols_dropped > 0)
    g_string_append_printf (s, "  symbols left out: %" G_GUINT64_FORMAT " (in sections with "
                            "no address, or common)\n", c->symbols_dropped);
}

/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  guint8 *image;
  guint64 size;
  const char *file;                    /* for messages: the file's base name */
  Section *sections;
  guint n_sections;
  guint symtab;                        /* its section index, 0 when there is none */
  guint64 n_symbols;
  guint64 shoff;                       /* the section headers, as checked when read: the
                                        * relocations may since have written over the ELF
                                        * header of a hostile file */
} Image;

static gboolean
corrupt (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
corrupt (GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT, message);
  return FALSE;
}

static gboolean
read_sections (Image   *im,
               GError **error)
{
  const guint8 *ehdr = im->image;
  guint64 shoff = get_le (ehdr + 0x28, 8);
  guint shentsize = get_le (ehdr + 0x3a, 2);
  guint shnum = get_le (ehdr + 0x3c, 2);
  guint shstrndx = get_le (ehdr + 0x3e, 2);
  const Section *strtab;

  if (shnum == 0 || shstrndx == SHN_XINDEX)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "%s has no section headers or more than %u sections (extended section "
                   "numbering), which relocatable files are not read with",
                   im->file, SHN_LORESERVE - 1);
      return FALSE;
    }
  if (shentsize != SHDR_SIZE || !inside (shoff, (guint64) shnum * SHDR_SIZE, im->size))
    return corrupt (error, "%s is truncated or corrupt: its %u section headers (offset 0x%"
                    G_GINT64_MODIFIER "x, %u bytes each) are not inside the file (%"
                    G_GUINT64_FORMAT " bytes)", im->file, shnum, shoff, shentsize, im->size);
  if (shstrndx >= shnum)
    return corrupt (error, "%s is corrupt: its section name table is section %u of %u",
                    im->file, shstrndx, shnum);
  im->shoff = shoff;

  im->n_sections = shnum;
  im->sections = g_new0 (Section, shnum);
  for (guint i = 0; i < shnum; i++)
    {
      const guint8 *sh = im->image + shoff + (guint64) i * SHDR_SIZE;
      Section *s = &im->sections[i];

      s->type = get_le (sh + 0x04, 4);
      s->flags = get_le (sh + 0x08, 8);
      s->offset = get_le (sh + 0x18, 8);
      s->size = get_le (sh + 0x20, 8);
      s->link = get_le (sh + 0x28, 4);
      s->info = get_le (sh + 0x2c, 4);
      s->entsize = get_le (sh + 0x38, 8);
      if (i > 0 && s->type != SHT_NOBITS && s->type != SHT_NULL
          && !inside (s->offset, s->size, im->size))
        return corrupt (error, "%s is truncated or corrupt: section %u (offset 0x%"
                        G_GINT64_MODIFIER "x, size 0x%" G_GINT64_MODIFIER "x) runs past the "
                        "end of the file (%" G_GUINT64_FORMAT " bytes)",
                        im->file, i, s->offset, s->size, im->size);
    }

  /* Whatever its type says: the names are read from it. */
  strtab = &im->sections[shstrndx];
  if (shstrndx == 0 || strtab->type == SHT_NOBITS
      || !inside (strtab->offset, strtab->size, im->size))
    return corrupt (error, "%s is corrupt: its section name table (section %u) is not inside "
                    "the file", im->file, shstrndx);
  for (guint i = 0; i < shnum; i++)
    {
      guint64 at = get_le (im->image + shoff + (guint64) i * SHDR_SIZE, 4);
      const char *name = (const char *) im->image + strtab->offset + at;

      /* A name must end inside the table: a hostile one may not run off its end. */
      if (at < strtab->size && memchr (name, 0, strtab->size - at) != NULL)
        im->sections[i].name = name;
      else
        im->sections[i].name = "(unnamed)";

      if (im->sections[i].type == SHT_SYMTAB && im->symtab == 0 && i > 0)
        im->symtab = i;
    }

  if (im->symtab != 0)
    {
      const Section *symtab = &im->sections[im->symtab];

      if (symtab->entsize != SYM_SIZE || symtab->size % SYM_SIZE != 0)
        return corrupt (error, "%s is corrupt: its symbol table has entries of %"
                        G_GUINT64_FORMAT " bytes (size %" G_GUINT64_FORMAT "), not %u",
                        im->file, symtab->entsize, symtab->size, SYM_SIZE);
      im->n_symbols = symtab->size / SYM_SIZE;
    }
  return TRUE;
}

/* Gives the sections named in @map their addresses. */
static gboolean
place_sections (Image                   *im,
                const HsSectionAddress  *map,
                guint                    n_map,
                HsElfReloc              *reloc,
                GError                 **error)
{
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);

  if (reloc->section_relative)
    {
      for (guint i = 1; i < im->n_sections; i++)
        im->sections[i].placed = (im->sections[i].flags & SHF_ALLOC) != 0;
      return TRUE;
    }

  /* The first allocated section of a name is the one placed: the kernel names a module's
   * sections in sysfs by name alone. */
  for (guint i = im->n_sections; i-- > 1;)
    if ((im->sections[i].flags & SHF_ALLOC) != 0)
      g_hash_table_insert (by_name, (gpointer) im->sections[i].name, GUINT_TO_POINTER (i));

  for (guint i = 0; i < n_map; i++)
    {
      Section *s;
      guint index;

      if (map[i].name == NULL)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                       "cannot place %s: entry %u of the section map has no name", im->file,
                       i);
          return FALSE;
        }
      if (!g_hash_table_add (given, (gpointer) map[i].name))
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                       "cannot place %s: the section map gives %s two addresses", im->file,
                       map[i].name);
          return FALSE;
        }
      index = GPOINTER_TO_UINT (g_hash_table_lookup (by_name, map[i].name));
      if (index == 0)
        {
          g_ptr_array_add (reloc->ignored, g_strdup (map[i].name));
          continue;
        }
      s = &im->sections[index];
      if (s->size > 0 && s->size - 1 > G_MAXUINT64 - map[i].address)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                       "cannot place %s of %s (0x%" G_GINT64_MODIFIER "x bytes) at 0x%"
                       G_GINT64_MODIFIER "x: it would run past the top of the address space",
                       s->name, im->file, s->size, map[i].address);
          return FALSE;
        }
      s->placed = TRUE;
      s->address = map[i].address;
    }

  for (guint i = 1; i < im->n_sections; i++)
    {
      const Section *s = &im->sections[i];

      if (s->placed)
        {
          Placed p = { g_strdup (s->name), s->address, s->size };

          g_array_append_val (reloc->placed, p);
        }
      else if ((s->flags & SHF_ALLOC) != 0 && s->size > 0)
        g_ptr_array_add (reloc->unplaced, g_strdup (s->name));
    }
  return TRUE;
}

typedef enum
{
  SYMBOL_OK,
  SYMBOL_UNDEFINED,
  SYMBOL_UNPLACED,
  SYMBOL_OVERFLOW,
} SymbolValue;

/* The address of symbol @index, as the relocation's S. */
static gboolean
symbol_value (Image        *im,
              guint64       index,
              guint64      *value,
              SymbolValue  *what,
              GError      **error)
{
  const guint8 *sym;
  guint shndx;
  guint64 st_value;

  *value = 0;
  *what = SYMBOL_OK;
  if (index == 0)
    return TRUE;                       /* no symbol: S = 0 */
  sym = im->image + im->sections[im->symtab].offset + index * SYM_SIZE;
  shndx = get_le (sym + 6, 2);
  st_value = get_le (sym + 8, 8);

  if (shndx == SHN_ABS)
    *value = st_value;
  else if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE)
    *what = SYMBOL_UNDEFINED;          /* undefined, common, or beyond 16-bit indexes */
  else if (shndx >= im->n_sections)
    return corrupt (error, "%s is corrupt: symbol %" G_GUINT64_FORMAT " is in section %u, "
                    "but there are %u", im->file, index, shndx, im->n_sections);
  else if ((im->sections[shndx].flags & SHF_ALLOC) == 0)
    *value = st_value;                 /* a debug section's offset: it has address 0 */
  else if (!im->sections[shndx].placed)
    *what = SYMBOL_UNPLACED;
  else if (!g_uint64_checked_add (value, im->sections[shndx].address, st_value))
    *what = SYMBOL_OVERFLOW;
  return TRUE;
}

/* Width in bytes, and whether it is PC-relative; 0 for a type not handled. */
static guint
reloc_kind (guint     type,
            gboolean *pcrel)
{
  *pcrel = type == R_AARCH64_PREL64 || type == R_AARCH64_PREL32 || type == R_AARCH64_PREL16;
  switch (type)
    {
    case R_AARCH64_ABS64:
    case R_AARCH64_PREL64:
      return 8;
    case R_AARCH64_ABS32:
    case R_AARCH64_PREL32:
      return 4;
    case R_AARCH64_ABS16:
    case R_AARCH64_PREL16:
      return 2;
    default:
      return 0;
    }
}

/* The AArch64 ELF ABI's overflow checks: an N-bit field holds -2^(N-1) <= X < 2^N. */
static gboolean
fits (__int128 x,
      guint    width)
{
  __int128 low = -((__int128) 1 << (8 * width - 1));
  __int128 high = (__int128) 1 << (8 * width);

  return x >= low && x < high;
}

static gboolean
apply_section (Image       *im,
               guint        index,
               HsElfReloc  *reloc,
               GError     **error)
{
  const Section *rs = &im->sections[index];
  const Section *target;
  HsElfRelocCounts *c = &reloc->counts;
  guint64 count;

  if (rs->info == 0)
    return TRUE;
  if (rs->info >= im->n_sections)
    return corrupt (error, "%s is corrupt: %s relocates section %u, but there are %u",
                    im->file, rs->name, rs->info, im->n_sections);
  target = &im->sections[rs->info];

  /* Code and data are read from the target, where the kernel relocated them. */
  if ((target->flags & SHF_ALLOC) != 0 && strcmp (target->name, ".eh_frame") != 0)
    return TRUE;

  if (rs->type == SHT_REL)
    {
      /* AArch64 uses RELA only: the addend of a REL is in bytes this does not decode. */
      c->unsupported += rs->entsize > 0 ? rs->size / rs->entsize : 0;
      return TRUE;
    }
  if (rs->entsize != RELA_SIZE || rs->size % RELA_SIZE != 0)
    return corrupt (error, "%s is corrupt: %s has entries of %" G_GUINT64_FORMAT " bytes "
                    "(size %" G_GUINT64_FORMAT "), not %u", im->file, rs->name, rs->entsize,
                    rs->size, RELA_SIZE);
  count = rs->size / RELA_SIZE;
  if (count == 0)
    return TRUE;
  if (im->symtab == 0 || rs->link != im->symtab)
    return corrupt (error, "%s is corrupt: %s uses section %u as its symbol table, which is "
                    "not the file's (.symtab is section %u)", im->file, rs->name, rs->link,
                    im->symtab);
  if ((target->flags & SHF_COMPRESSED) != 0)
    {
      c->compressed += count;
      return TRUE;
    }
  if (target->type != SHT_PROGBITS)
    {
      c->unsupported += count;
      return TRUE;
    }

  for (guint64 i = 0; i < count; i++)
    {
      const guint8 *rela = im->image + rs->offset + i * RELA_SIZE;
      guint64 r_offset = get_le (rela, 8);
      guint64 r_info = get_le (rela + 8, 8);
      gint64 addend = (gint64) get_le (rela + 16, 8);
      guint type = (guint) (r_info & 0xffffffff);
      guint64 sym = r_info >> 32;
      guint64 s_value;
      SymbolValue what;
      gboolean pcrel;
      guint width;
      __int128 x;

      if (type == R_AARCH64_NONE || type == R_AARCH64_NONE_256)
        continue;
      width = reloc_kind (type, &pcrel);
      if (width == 0)
        {
          c->unsupported++;
          continue;
        }
      if (!inside (r_offset, width, target->size))
        return corrupt (error, "%s: relocation %" G_GUINT64_FORMAT " of %s writes past the "
                        "end of %s (%u bytes at offset 0x%" G_GINT64_MODIFIER "x of 0x%"
                        G_GINT64_MODIFIER "x)", im->file, i, rs->name, target->name, width,
                        r_offset, target->size);
      if (sym >= im->n_symbols)
        return corrupt (error, "%s: relocation %" G_GUINT64_FORMAT " of %s names symbol %"
                        G_GUINT64_FORMAT ", but the symbol table has %" G_GUINT64_FORMAT,
                        im->file, i, rs->name, sym, im->n_symbols);
      if (!symbol_value (im, sym, &s_value, &what, error))
        return FALSE;
      if (what == SYMBOL_UNDEFINED)
        {
          c->undefined++;
          continue;
        }
      if (what == SYMBOL_UNPLACED)
        {
          c->unplaced++;
          continue;
        }
      if (what == SYMBOL_OVERFLOW)
        {
          c->out_of_range++;
          continue;
        }

      /* P: the place's address, 0-based in a section that has none. A placed section's end
       * was checked not to wrap, so this cannot either. */
      x = (__int128) s_value + addend;
      if (pcrel)
        x -= (__int128) (target->address + r_offset);
      if (!fits (x, width))
        {
          c->out_of_range++;
          continue;
        }
      put_le (im->image + target->offset + r_offset, width, (guint64) x);
      c->applied++;
    }
  return TRUE;
}

static void
rewrite_symbols (Image      *im,
                 HsElfReloc *reloc)
{
  if (im->symtab == 0)
    return;
  for (guint64 i = 1; i < im->n_symbols; i++)
    {
      guint8 *sym = im->image + im->sections[im->symtab].offset + i * SYM_SIZE;
      guint type = get_le (sym + 4, 1) & 0xf;
      guint shndx = get_le (sym + 6, 2);
      guint64 value = get_le (sym + 8, 8);
      const Section *s;

      if (shndx == SHN_COMMON)
        {
          /* Space the module loader allocated somewhere the section map does not say. */
          put_le (sym + 6, 2, SHN_UNDEF);
          reloc->counts.symbols_dropped++;
          continue;
        }
      if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE || shndx >= im->n_sections)
        continue;
      s = &im->sections[shndx];
      if ((s->flags & SHF_ALLOC) == 0)
        continue;
      if (!s->placed || !g_uint64_checked_add (&value, s->address, value))
        {
          put_le (sym + 6, 2, SHN_UNDEF);
          put_le (sym + 8, 8, 0);
          if (type == STT_FUNC || type == STT_OBJECT)
            reloc->counts.symbols_dropped++;
          continue;
        }
      put_le (sym + 8, 8, value);
    }
}

static void
rewrite_headers (Image *im)
{
  guint64 shoff = im->shoff;

  for (guint i = 1; i < im->n_sections; i++)
    {
      guint8 *sh = im->image + shoff + (guint64) i * SHDR_SIZE;
      const Section *s = &im->sections[i];
      guint64 flags = s->flags;

      if (s->placed)
        put_le (sh + 0x10, 8, s->address);
      else if ((flags & SHF_ALLOC) != 0)
        {
          flags &= ~(guint64) SHF_ALLOC;
          put_le (sh + 0x10, 8, 0);
        }
      /* libdwarf looks for relocation sections by name as well as by type. */
      if (s->type == SHT_RELA || s->type == SHT_REL || g_str_has_prefix (s->name, ".rel"))
        {
          flags &= ~(guint64) SHF_INFO_LINK;
          put_le (sh + 0x2c, 4, 0);
        }
      put_le (sh + 0x08, 8, flags);
    }
  put_le (im->image + 0x10, 2, ET_EXEC);
}

HsElfReloc *
_hs_elf_relocate (guint8                  *image,
                  gsize                    size,
                  const char              *file_name,
                  const HsSectionAddress  *map,
                  guint                    n_map,
                  gboolean                 section_relative,
                  GError                 **error)
{
  g_autofree char *file = g_path_get_basename (file_name);
  Image im = { image, size, file, NULL, 0, 0, 0, 0 };
  HsElfReloc *reloc;
  guint64 rela_bytes = 0;
  gboolean ok = FALSE;

  if (size < EHDR_SIZE)
    {
      corrupt (error, "%s is truncated: %" G_GSIZE_FORMAT " bytes, less than an ELF header",
               file, size);
      return NULL;
    }
  if (memcmp (image, ELFMAG, SELFMAG) != 0
      || image[EI_CLASS] != ELFCLASS64 || image[EI_DATA] != ELFDATA2LSB
      || get_le (image + 0x12, 2) != EM_AARCH64 || get_le (image + 0x10, 2) != ET_REL)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                   "%s is not a 64-bit little-endian AArch64 relocatable ELF object (ET_REL)",
                   file);
      return NULL;
    }

  reloc = g_new0 (HsElfReloc, 1);
  reloc->placed = g_array_new (FALSE, FALSE, sizeof (Placed));
  g_array_set_clear_func (reloc->placed, (GDestroyNotify) placed_clear);
  reloc->unplaced = g_ptr_array_new_with_free_func (g_free);
  reloc->ignored = g_ptr_array_new_with_free_func (g_free);
  reloc->section_relative = section_relative;

  if (!read_sections (&im, error) || !place_sections (&im, map, n_map, reloc, error))
    goto out;

  /* Relocation sections that overlap would make the work a multiple of the file. */
  for (guint i = 1; i < im.n_sections; i++)
    if (im.sections[i].type == SHT_RELA || im.sections[i].type == SHT_REL)
      rela_bytes += im.sections[i].size;
  if (rela_bytes > size)
    {
      corrupt (error, "%s is corrupt: its relocation sections add up to %" G_GUINT64_FORMAT
               " bytes, more than the file (%" G_GSIZE_FORMAT ")", file, rela_bytes, size);
      goto out;
    }

  for (guint i = 1; i < im.n_sections; i++)
    if (im.sections[i].type == SHT_RELA || im.sections[i].type == SHT_REL)
      if (!apply_section (&im, i, reloc, error))
        goto out;

  /* Only now: the relocations above take S from the symbols' values as the file has them. */
  rewrite_symbols (&im, reloc);
  rewrite_headers (&im);
  ok = TRUE;

out:
  g_free (im.sections);
  if (!ok)
    g_clear_pointer (&reloc, _hs_elf_reloc_free);
  return reloc;
}
