/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-elf-symtab.c: the ELF symbol table in a compact, read-only form.
 *
 * Names are not copied: they point into the string table of the file, which
 * libelf maps (ELF_C_READ_MMAP) for the life of the HsSymbolFile. vmlinux has
 * 155 000 symbols; this costs about 40 bytes each plus the hash table.
 *
 * Address lookup: a symbol covers [address, address + size); a symbol without
 * a size (assembly labels, linker-script symbols) covers up to the next symbol
 * at a higher address, or the end of its section. Where several symbols share
 * an address, a function or object beats a label, and global beats weak beats
 * local. An address that falls in the gap after a sized symbol (alignment
 * padding) has no symbol.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include <stdlib.h>
#include <string.h>

/* How many lower symbols to look at for one that encloses an address (nested labels). */
#define MAX_ENCLOSING_SCAN 64

typedef struct
{
  const char *name;
  guint64 address;
  guint64 size;
  guint64 end;        /* where address lookup stops: address + size, or the next symbol */
  guint8 kind;        /* HsSymbolKind */
  guint8 bind;        /* STB_* */
  guint8 in_section;  /* defined in a real section (not SHN_ABS/SHN_COMMON) */
} Sym;

struct _HsElfSymtab
{
  GArray *syms;         /* of Sym, in file order */
  GHashTable *by_name;  /* name -> GUINT_TO_POINTER (index + 1), the best symbol of that name */
  guint *by_address;    /* indices into syms, sorted by address, one per address */
  guint n_by_address;
};

static HsSymbolKind
kind_from_type (guint type)
{
  switch (type)
    {
    case STT_FUNC:
    case STT_GNU_IFUNC:
      return HS_SYMBOL_FUNCTION;
    case STT_OBJECT:
    case STT_TLS:
    case STT_COMMON:
      return HS_SYMBOL_OBJECT;
    default:
      return HS_SYMBOL_OTHER;
    }
}

/* Higher is better when two symbols compete for a name or an address. */
static int
rank (const Sym *sym)
{
  int r = 0;

  if (sym->kind != HS_SYMBOL_OTHER)
    r += 8;
  if (sym->bind == STB_GLOBAL)
    r += 4;
  else if (sym->bind == STB_WEAK)
    r += 2;
  if (sym->size > 0)
    r += 1;
  return r;
}

/* AArch64 mapping symbols ($x, $d, $x.42) mark code and data; they are not names. */
static gboolean
is_mapping_symbol (const char *name)
{
  return name[0] == '$' && (name[1] == 'x' || name[1] == 'd')
         && (name[2] == 0 || name[2] == '.');
}

/* What the address order sorts: the address, then (best rank first, then file order, for a
 * stable result) packed in one word, so that comparing touches nothing but the keys. A sort
 * over the symbols themselves spent most of vmlinux's load chasing them. */
typedef struct
{
  guint64 address;
  guint32 order;               /* (15 - rank) << 27 | index */
  guint32 index;
} AddressKey;

#define MAX_SYMBOLS (1u << 27)

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  const AddressKey *ka = a, *kb = b;

  if (ka->address != kb->address)
    return ka->address < kb->address ? -1 : 1;
  return ka->order < kb->order ? -1 : ka->order > kb->order;
}

typedef struct
{
  guint64 start;
  guint64 end;
} SectionRange;

HsElfSymtab *
_hs_elf_symtab_new (Elf         *elf,
                    Elf_Scn     *symtab_scn,
                    const char  *file_name,
                    GError     **error)
{
  HsElfSymtab *symtab;
  GElf_Shdr shdr;
  Elf_Data *data;
  size_t n_sections = 0, count;
  g_autofree SectionRange *sections = NULL;
  guint n_sorted = 0;

  g_assert (elf != NULL);
  g_assert (symtab_scn != NULL);

  if (gelf_getshdr (symtab_scn, &shdr) == NULL
      || (data = elf_getdata (symtab_scn, NULL)) == NULL)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot read the symbol table of %s: %s", file_name, elf_errmsg (-1));
      return NULL;
    }
  if (shdr.sh_entsize == 0 || shdr.sh_size % shdr.sh_entsize != 0)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "the symbol table of %s is malformed (size %" G_GUINT64_FORMAT
                   ", entry size %" G_GUINT64_FORMAT ")",
                   file_name, (guint64) shdr.sh_size, (guint64) shdr.sh_entsize);
      return NULL;
    }
  count = shdr.sh_size / shdr.sh_entsize;
  if (count >= MAX_SYMBOLS)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "the symbol table of %s claims %" G_GSIZE_FORMAT " symbols, more than %u",
                   file_name, count, MAX_SYMBOLS);
      return NULL;
    }

  /* Section bounds, so that a label without a size does not run into the next section. */
  if (elf_getshdrnum (elf, &n_sections) != 0)
    n_sections = 0;
  sections = g_new0 (SectionRange, MAX (n_sections, 1));
  for (size_t i = 1; i < n_sections; i++)
    {
      Elf_Scn *scn = elf_getscn (elf, i);
      GElf_Shdr sh;

      if (scn != NULL && gelf_getshdr (scn, &sh) != NULL && (sh.sh_flags & SHF_ALLOC) != 0)
        {
          sections[i].start = sh.sh_addr;
          sections[i].end = sh.sh_addr + sh.sh_size;
        }
    }

  symtab = g_new0 (HsElfSymtab, 1);
  symtab->syms = g_array_sized_new (FALSE, FALSE, sizeof (Sym), count);
  symtab->by_name = g_hash_table_new (g_str_hash, g_str_equal);

  for (size_t i = 1; i < count; i++)
    {
      GElf_Sym esym;
      const char *name;
      guint type;
      Sym sym = { 0 };
      gpointer existing;

      if (gelf_getsym (data, i, &esym) == NULL)
        break;
      type = GELF_ST_TYPE (esym.st_info);
      if (esym.st_shndx == SHN_UNDEF || esym.st_name == 0
          || type == STT_SECTION || type == STT_FILE)
        continue;
      name = elf_strptr (elf, shdr.sh_link, esym.st_name);
      if (name == NULL || name[0] == 0 || is_mapping_symbol (name))
        continue;

      sym.name = name;
      sym.address = esym.st_value;
      sym.size = esym.st_size;
      sym.kind = kind_from_type (type);
      sym.bind = GELF_ST_BIND (esym.st_info);
      sym.in_section = esym.st_shndx != SHN_ABS && esym.st_shndx != SHN_COMMON
                       && esym.st_shndx < SHN_LORESERVE && type != STT_TLS;
      sym.end = sym.address + sym.size;
      if (sym.size == 0 && sym.in_section && esym.st_shndx < n_sections)
        sym.end = sections[esym.st_shndx].end;   /* trimmed to the next symbol below */
      if (sym.end < sym.address)
        sym.end = G_MAXUINT64;                   /* wrapped: the top of the address space */
      g_array_append_val (symtab->syms, sym);

      existing = g_hash_table_lookup (symtab->by_name, name);
      if (existing == NULL
          || rank (&sym) > rank (&g_array_index (symtab->syms, Sym,
                                                 GPOINTER_TO_UINT (existing) - 1)))
        g_hash_table_insert (symtab->by_name, (gpointer) name,
                             GUINT_TO_POINTER (symtab->syms->len));
    }

  /* The address order: symbols in sections only, best first at each address, then keep one. */
  symtab->by_address = g_new (guint, MAX (symtab->syms->len, 1));
  {
    g_autofree AddressKey *keys = g_new (AddressKey, MAX (symtab->syms->len, 1));

    for (guint i = 0; i < symtab->syms->len; i++)
      {
        const Sym *sym = &g_array_index (symtab->syms, Sym, i);

        if (sym->in_section)
          keys[n_sorted++] = (AddressKey) { sym->address,
                                            ((guint32) (15 - rank (sym)) << 27) | i, i };
      }
    qsort (keys, n_sorted, sizeof (AddressKey), compare_keys);
    for (guint i = 0; i < n_sorted; i++)
      symtab->by_address[i] = keys[i].index;
  }
  symtab->n_by_address = 0;
  for (guint i = 0; i < n_sorted; i++)
    {
      const Sym *sym = &g_array_index (symtab->syms, Sym, symtab->by_address[i]);

      if (symtab->n_by_address > 0)
        {
          guint prev = symtab->by_address[symtab->n_by_address - 1];

          if (g_array_index (symtab->syms, Sym, prev).address == sym->address)
            continue;
        }
      symtab->by_address[symtab->n_by_address++] = symtab->by_address[i];
    }

  /* A label without a size ends where the next symbol starts. */
  for (guint i = 0; i + 1 < symtab->n_by_address; i++)
    {
      Sym *sym = &g_array_index (symtab->syms, Sym, symtab->by_address[i]);
      const Sym *next = &g_array_index (symtab->syms, Sym, symtab->by_address[i + 1]);

      if (sym->size == 0 && next->address < sym->end)
        sym->end = next->address;
    }

  return symtab;
}

void
_hs_elf_symtab_free (HsElfSymtab *symtab)
{
  if (symtab == NULL)
    return;
  g_array_unref (symtab->syms);
  g_hash_table_unref (symtab->by_name);
  g_free (symtab->by_address);
  g_free (symtab);
}

guint
_hs_elf_symtab_get_n_symbols (const HsElfSymtab *symtab)
{
  return symtab->syms->len;
}

static void
fill (const Sym *sym,
      HsSymbol  *out)
{
  if (out == NULL)
    return;
  out->name = sym->name;
  out->address = sym->address;
  out->size = sym->size;
  out->kind = sym->kind;
  out->is_global = sym->bind == STB_GLOBAL || sym->bind == STB_WEAK;
}

gboolean
_hs_elf_symtab_lookup (const HsElfSymtab *symtab,
                       const char        *name,
                       HsSymbol          *out)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (symtab->by_name, name));

  if (index == 0)
    return FALSE;
  fill (&g_array_index (symtab->syms, Sym, index - 1), out);
  return TRUE;
}

gboolean
_hs_elf_symtab_lookup_address (const HsElfSymtab *symtab,
                               guint64            address,
                               HsSymbol          *out,
                               guint64           *offset)
{
  guint lo = 0, hi = symtab->n_by_address;

  /* The first entry above @address... */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (symtab->syms, Sym, symtab->by_address[mid]).address <= address)
        lo = mid + 1;
      else
        hi = mid;
    }

  /* ...then the nearest one below that encloses it. */
  for (guint i = lo, scanned = 0; i > 0 && scanned < MAX_ENCLOSING_SCAN; i--, scanned++)
    {
      const Sym *sym = &g_array_index (symtab->syms, Sym, symtab->by_address[i - 1]);

      if (address < sym->end)
        {
          fill (sym, out);
          if (offset != NULL)
            *offset = address - sym->address;
          return TRUE;
        }
    }
  return FALSE;
}

static int
compare_symbols_by_name (gconstpointer a,
                         gconstpointer b)
{
  const HsSymbol *sa = a, *sb = b;
  int r = strcmp (sa->name, sb->name);

  if (r != 0)
    return r;
  return sa->address < sb->address ? -1 : sa->address > sb->address;
}

/* TRACE32's sYmbol.List: '*' is any string and '?' any one character, and the pattern must
 * match the whole name; without either it is a substring. Case-sensitive, as C is. */
GArray *
_hs_elf_symtab_match (const HsElfSymtab *symtab,
                      const char        *pattern,
                      guint              max,
                      guint             *n_matches)
{
  GArray *result = g_array_new (FALSE, FALSE, sizeof (HsSymbol));
  GPatternSpec *spec = NULL;
  gboolean glob = strpbrk (pattern, "*?") != NULL;

  if (glob)
    spec = g_pattern_spec_new (pattern);

  for (guint i = 0; i < symtab->syms->len; i++)
    {
      const Sym *sym = &g_array_index (symtab->syms, Sym, i);
      HsSymbol s;

      if (glob ? !g_pattern_spec_match_string (spec, sym->name)
               : strstr (sym->name, pattern) == NULL)
        continue;
      fill (sym, &s);
      g_array_append_val (result, s);
    }
  if (spec != NULL)
    g_pattern_spec_free (spec);

  g_array_sort (result, compare_symbols_by_name);
  if (n_matches != NULL)
    *n_matches = result->len;
  if (max > 0 && result->len > max)
    g_array_set_size (result, max);
  return result;
}
