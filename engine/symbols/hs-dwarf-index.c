/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-index.c: opening the DWARF of an HsSymbolFile and the name index.
 *
 * libdwarf is given our libelf handle (dwarf_elf_init_b), so it reads the
 * sections straight from the file mapping: the 175 MB of vmlinux's .debug_info
 * count as page cache, not as our heap.
 *
 * The index visits each compilation unit's top-level DIEs only (dwarf_child of
 * the CU DIE, then dwarf_siblingof_b, which skips subtrees through
 * DW_AT_sibling) and remembers, for each name, the offset of the DIE that
 * defines it: complete struct/union/enum definitions, typedefs and base types,
 * variables, functions. A query then goes straight there with dwarf_offdie_b.
 * Names are not copied: they point into .debug_str / .debug_info.
 *
 * That walk through libdwarf is now the reference and the fallback: the index
 * normally comes from the on-disk cache (hs-dwarf-index-cache.c) or from
 * hs-dwarf-scan.c, which reads the section bytes itself on several threads and
 * must give exactly the same result (test-dwarf-scan checks it). libdwarf
 * still answers every query.
 *
 * Every Dwarf_Die, Dwarf_Attribute and Dwarf_Error here is deallocated as soon
 * as it is done with. libdwarf's own allocation tracking stays on (the
 * default): turning it off (dwarf_set_de_alloc_flag) would index 25% faster,
 * but libdwarf 20210528 leaks on some of its error paths, and with tracking on
 * dwarf_finish() reclaims that.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Errors and small helpers                                                                   */

void
_hs_dwarf_drop_error (HsSymbolFile *self,
                      Dwarf_Error  *derr)
{
  if (*derr != NULL)
    {
      dwarf_dealloc (self->dbg, *derr, DW_DLA_ERROR);
      *derr = NULL;
    }
}

void
_hs_dwarf_set_error (HsSymbolFile  *self,
                     GError       **error,
                     Dwarf_Error    derr,
                     const char    *format,
                     ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
               "%s: corrupt or unsupported DWARF in %s: %s", what, self->basename,
               derr != NULL ? dwarf_errmsg (derr)
               : self->dwarf_handled != NULL ? self->dwarf_handled : "no detail from libdwarf");
  _hs_dwarf_drop_error (self, &derr);
  g_clear_pointer (&self->dwarf_handled, g_free);
}

/* libdwarf 20210528 calls abort() when an error arises in a call made without a Dwarf_Error
 * pointer and no handler is installed, and some of its internal calls pass none. With this
 * handler such a call only fails (DW_DLV_ERROR), and the message waits here for the GError of
 * the call of ours that fails with it. The Dwarf_Error itself is libdwarf's to free
 * (dwarf_finish reclaims it): it may be its static fail-safe record. */
static void
dwarf_error_handler (Dwarf_Error derr,
                     Dwarf_Ptr   data)
{
  HsSymbolFile *self = data;

  g_free (self->dwarf_handled);
  self->dwarf_handled = g_strdup (derr != NULL ? dwarf_errmsg (derr) : "unknown error");
  g_debug ("%s: libdwarf reported an error with no one to take it: %s", self->basename,
           self->dwarf_handled);
}

gboolean
_hs_dwarf_die_at (HsSymbolFile  *self,
                  Dwarf_Off      offset,
                  Dwarf_Die     *die,
                  GError       **error)
{
  Dwarf_Error derr = NULL;
  int res = dwarf_offdie_b (self->dbg, offset, TRUE, die, &derr);

  if (res == DW_DLV_OK)
    return TRUE;
  *die = NULL;
  _hs_dwarf_set_error (self, error, derr, "no DIE at .debug_info offset 0x%" G_GINT64_MODIFIER "x",
                       (guint64) offset);
  return FALSE;
}

void
_hs_dwarf_die_free (HsSymbolFile *self,
                    Dwarf_Die     die)
{
  if (die != NULL)
    dwarf_dealloc (self->dbg, die, DW_DLA_DIE);
}

Dwarf_Half
_hs_dwarf_tag (HsSymbolFile *self,
               Dwarf_Die     die)
{
  Dwarf_Error derr = NULL;
  Dwarf_Half tag = 0;

  if (dwarf_tag (die, &tag, &derr) != DW_DLV_OK)
    {
      _hs_dwarf_drop_error (self, &derr);
      return 0;
    }
  return tag;
}

Dwarf_Off
_hs_dwarf_offset (HsSymbolFile *self,
                  Dwarf_Die     die)
{
  Dwarf_Error derr = NULL;
  Dwarf_Off off = 0;

  if (dwarf_dieoffset (die, &off, &derr) != DW_DLV_OK)
    {
      _hs_dwarf_drop_error (self, &derr);
      return 0;
    }
  return off;
}

/* The DIE's DW_AT_name, borrowed from the string sections (valid while the DWARF is open). */
const char *
_hs_dwarf_name (HsSymbolFile *self,
                Dwarf_Die     die)
{
  Dwarf_Error derr = NULL;
  char *name = NULL;
  int res = dwarf_diename (die, &name, &derr);

  if (res == DW_DLV_ERROR)
    _hs_dwarf_drop_error (self, &derr);
  return res == DW_DLV_OK ? name : NULL;
}

gboolean
_hs_dwarf_has (HsSymbolFile *self,
               Dwarf_Die     die,
               Dwarf_Half    attr)
{
  Dwarf_Error derr = NULL;
  Dwarf_Bool has = FALSE;

  if (dwarf_hasattr (die, attr, &has, &derr) != DW_DLV_OK)
    {
      _hs_dwarf_drop_error (self, &derr);
      return FALSE;
    }
  return has;
}

static int
get_attr (HsSymbolFile     *self,
          Dwarf_Die         die,
          Dwarf_Half        attr,
          Dwarf_Attribute  *out,
          GError          **error)
{
  Dwarf_Error derr = NULL;
  int res = dwarf_attr (die, attr, out, &derr);

  if (res == DW_DLV_ERROR)
    _hs_dwarf_set_error (self, error, derr, "cannot read attribute 0x%x", attr);
  return res;
}

int
_hs_dwarf_udata (HsSymbolFile  *self,
                 Dwarf_Die      die,
                 Dwarf_Half     attr,
                 guint64       *out,
                 GError       **error)
{
  Dwarf_Attribute a = NULL;
  Dwarf_Error derr = NULL;
  Dwarf_Half form = 0;
  int res;

  res = get_attr (self, die, attr, &a, error);
  if (res != DW_DLV_OK)
    return res;

  res = dwarf_whatform (a, &form, &derr);
  if (res == DW_DLV_OK && (form == DW_FORM_sdata || form == DW_FORM_implicit_const))
    {
      Dwarf_Signed value = 0;

      res = dwarf_formsdata (a, &value, &derr);
      /* A negative count or bound (-1 for "unknown") is as good as none. */
      if (res == DW_DLV_OK && value < 0)
        res = DW_DLV_NO_ENTRY;
      *out = (guint64) value;
    }
  else if (res == DW_DLV_OK)
    {
      Dwarf_Unsigned value = 0;

      res = dwarf_formudata (a, &value, &derr);
      *out = value;
    }
  if (res == DW_DLV_ERROR)
    _hs_dwarf_set_error (self, error, derr, "cannot read constant attribute 0x%x", attr);
  dwarf_dealloc_attribute (a);
  return res;
}

int
_hs_dwarf_ref (HsSymbolFile  *self,
               Dwarf_Die      die,
               Dwarf_Half     attr,
               Dwarf_Off     *out,
               GError       **error)
{
  Dwarf_Attribute a = NULL;
  Dwarf_Error derr = NULL;
  Dwarf_Off off = 0;
  int res;

  res = get_attr (self, die, attr, &a, error);
  if (res != DW_DLV_OK)
    return res;
  res = dwarf_global_formref (a, &off, &derr);
  if (res == DW_DLV_ERROR)
    _hs_dwarf_set_error (self, error, derr, "cannot follow reference attribute 0x%x", attr);
  *out = off;
  dwarf_dealloc_attribute (a);
  return res;
}

int
_hs_dwarf_addr (HsSymbolFile  *self,
                Dwarf_Die      die,
                Dwarf_Half     attr,
                guint64       *out,
                GError       **error)
{
  Dwarf_Error derr = NULL;
  Dwarf_Addr addr = 0;
  int res;

  if (attr == DW_AT_low_pc)
    {
      /* dwarf_lowpc also resolves DW_FORM_addrx through .debug_addr. */
      res = dwarf_lowpc (die, &addr, &derr);
    }
  else
    {
      Dwarf_Attribute a = NULL;

      res = get_attr (self, die, attr, &a, error);
      if (res != DW_DLV_OK)
        return res;
      res = dwarf_formaddr (a, &addr, &derr);
      dwarf_dealloc_attribute (a);
    }
  if (res == DW_DLV_ERROR)
    _hs_dwarf_set_error (self, error, derr, "cannot read address attribute 0x%x", attr);
  *out = addr;
  return res;
}

int
_hs_dwarf_next_child (HsSymbolFile  *self,
                      Dwarf_Die      parent,
                      Dwarf_Die      previous,
                      Dwarf_Die     *next,
                      GError       **error)
{
  Dwarf_Error derr = NULL;
  Dwarf_Off before, after;
  int res;

  *next = NULL;
  if (previous == NULL)
    {
      before = _hs_dwarf_offset (self, parent);
      res = dwarf_child (parent, next, &derr);
    }
  else
    {
      before = _hs_dwarf_offset (self, previous);
      res = dwarf_siblingof_b (self->dbg, previous, TRUE, next, &derr);
      _hs_dwarf_die_free (self, previous);
    }
  if (res == DW_DLV_ERROR)
    _hs_dwarf_set_error (self, error, derr, "cannot walk the children of a DIE");
  /* A corrupt DW_AT_sibling can point backwards: walking it would never end. */
  if (res == DW_DLV_OK && (after = _hs_dwarf_offset (self, *next)) <= before)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "corrupt DWARF in %s: the DIE after 0x%" G_GINT64_MODIFIER "x is at 0x%"
                   G_GINT64_MODIFIER "x (a DW_AT_sibling pointing backwards)",
                   self->basename, (guint64) before, (guint64) after);
      _hs_dwarf_die_free (self, *next);
      *next = NULL;
      res = DW_DLV_ERROR;
    }
  return res;
}

static int
compare_cu (gconstpointer key,
            gconstpointer element)
{
  Dwarf_Off off = *(const Dwarf_Off *) key;
  const HsDwarfCu *cu = element;

  return off < cu->die ? -1 : off > cu->die;
}

Dwarf_Half
_hs_dwarf_cu_version (HsSymbolFile *self,
                      Dwarf_Off     cu_die)
{
  const HsDwarfCu *cu;

  if (self->index == NULL)
    return 0;
  cu = bsearch (&cu_die, self->index->cus->data, self->index->cus->len, sizeof (HsDwarfCu),
                compare_cu);
  return cu != NULL ? cu->version : 0;
}

/* DW_AT_decl_file and the line table's file numbers are indices into this array. DWARF 5
 * numbers files from 0 (file 0 is the primary source); earlier versions from 1, so there index
 * 0 is NULL. libdwarf's dwarf_srcfiles() lists them without that distinction. */
GPtrArray *
_hs_dwarf_cu_files (HsSymbolFile  *self,
                    Dwarf_Die      die,
                    GError       **error)
{
  Dwarf_Error derr = NULL;
  Dwarf_Off cu_off = 0;
  Dwarf_Die cu_die = NULL;
  char **files = NULL;
  Dwarf_Signed n_files = 0;
  Dwarf_Half version;
  GPtrArray *result;
  int res;

  if (dwarf_CU_dieoffset_given_die (die, &cu_off, &derr) != DW_DLV_OK)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot find the compilation unit of a DIE");
      return NULL;
    }
  if (!_hs_dwarf_die_at (self, cu_off, &cu_die, error))
    return NULL;

  if (!_hs_dwarf_cu_lines_ok (self, cu_die, error))
    {
      _hs_dwarf_die_free (self, cu_die);
      return NULL;
    }
  result = g_ptr_array_new_with_free_func (g_free);
  res = dwarf_srcfiles (cu_die, &files, &n_files, &derr);
  if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot read the file names of CU 0x%"
                           G_GINT64_MODIFIER "x", (guint64) cu_off);
      _hs_dwarf_die_free (self, cu_die);
      g_ptr_array_unref (result);
      return NULL;
    }

  version = _hs_dwarf_cu_version (self, cu_off);
  if (version == 0)
    {
      Dwarf_Half offset_size = 0;

      if (dwarf_get_version_of_die (cu_die, &version, &offset_size) != DW_DLV_OK)
        version = 4;
    }
  if (version < 5)
    g_ptr_array_add (result, NULL);
  for (Dwarf_Signed i = 0; i < n_files; i++)
    {
      g_ptr_array_add (result, g_strdup (files[i]));
      dwarf_dealloc (self->dbg, files[i], DW_DLA_STRING);
    }
  if (files != NULL)
    dwarf_dealloc (self->dbg, files, DW_DLA_LIST);
  _hs_dwarf_die_free (self, cu_die);
  return result;
}

/* ------------------------------------------------------------------------------------------ */
/* Opening                                                                                    */

Elf_Data *
_hs_dwarf_find_section (HsSymbolFile *self,
                        const char   *wanted)
{
  Elf_Scn *scn = NULL;
  size_t shstrndx;

  if (elf_getshdrstrndx (self->elf, &shstrndx) != 0)
    return NULL;
  while ((scn = elf_nextscn (self->elf, scn)) != NULL)
    {
      GElf_Shdr shdr;
      const char *name;

      if (gelf_getshdr (scn, &shdr) == NULL)
        continue;
      name = elf_strptr (self->elf, shstrndx, shdr.sh_name);
      if (name == NULL || strcmp (name, wanted) != 0)
        continue;
      if (shdr.sh_type == SHT_NOBITS || (shdr.sh_flags & SHF_COMPRESSED) != 0)
        return NULL;
      return elf_getdata (scn, NULL);
    }
  return NULL;
}

/* A section's bytes in the file mapping, or FALSE when absent or unusable as is. */
gboolean
_hs_dwarf_section_bytes (HsSymbolFile  *self,
                         const char    *name,
                         const guint8 **data,
                         guint64       *size)
{
  Elf_Data *d = _hs_dwarf_find_section (self, name);

  *data = NULL;
  *size = 0;
  if (d == NULL || d->d_buf == NULL || d->d_size == 0)
    return FALSE;
  *data = d->d_buf;
  *size = d->d_size;
  return TRUE;
}

static gboolean
dwarf_open (HsSymbolFile  *self,
            GError       **error)
{
  Dwarf_Error derr = NULL;
  int res;

  if (self->dbg != NULL)
    return TRUE;
  if (self->dwarf_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->dwarf_error));
      return FALSE;
    }

  if (!_hs_dwarf_check_list_headers (self, ".debug_rnglists", &self->dwarf_error)
      || !_hs_dwarf_check_list_headers (self, ".debug_loclists", &self->dwarf_error))
    {
      g_propagate_error (error, g_error_copy (self->dwarf_error));
      return FALSE;
    }

  res = dwarf_elf_init_b (self->elf, DW_DLC_READ, DW_GROUPNUMBER_ANY, dwarf_error_handler, self,
                          &self->dbg, &derr);
  if (res == DW_DLV_NO_ENTRY)
    {
      self->dbg = NULL;
      g_set_error (&self->dwarf_error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NO_DWARF,
                   "%s has no DWARF debugging information: build it with -g (for Linux, "
                   "CONFIG_DEBUG_INFO)", self->basename);
    }
  else if (res == DW_DLV_ERROR)
    {
      g_set_error (&self->dwarf_error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "cannot open the DWARF of %s: %s", self->basename, dwarf_errmsg (derr));
      dwarf_dealloc (NULL, derr, DW_DLA_ERROR);
      self->dbg = NULL;
    }
  if (self->dbg == NULL)
    {
      g_propagate_error (error, g_error_copy (self->dwarf_error));
      return FALSE;
    }

  /* Unwinding rules as AArch64 wants them: registers not mentioned keep their value. */
  dwarf_set_frame_rule_initial_value (self->dbg, DW_FRAME_SAME_VAL);
  dwarf_set_frame_cfa_value (self->dbg, DW_FRAME_CFA_COL3);
  dwarf_set_frame_same_value (self->dbg, DW_FRAME_SAME_VAL);
  dwarf_set_frame_undefined_value (self->dbg, DW_FRAME_UNDEFINED_VAL);
  return TRUE;
}

HsDwarfIndex *
_hs_dwarf_index_new (void)
{
  HsDwarfIndex *index = g_new0 (HsDwarfIndex, 1);

  for (guint i = 0; i < HS_DWARF_NS_COUNT; i++)
    index->names[i] = g_hash_table_new (g_str_hash, g_str_equal);
  index->cus = g_array_new (FALSE, FALSE, sizeof (HsDwarfCu));
  return index;
}

void
_hs_dwarf_index_free (HsDwarfIndex *index)
{
  if (index == NULL)
    return;
  for (guint i = 0; i < HS_DWARF_NS_COUNT; i++)
    g_clear_pointer (&index->names[i], g_hash_table_unref);
  g_clear_pointer (&index->cus, g_array_unref);
  g_clear_pointer (&index->strings, g_bytes_unref);
  g_free (index);
}

void
_hs_dwarf_close (HsSymbolFile *self)
{
  if (self->saving)
    {
      pthread_join (self->cache_saver, NULL);
      self->saving = FALSE;
    }
  _hs_dwarf_lines_free (self);
  _hs_dwarf_cfi_free (self);
  g_atomic_int_set (&self->indexed, FALSE);
  g_clear_pointer (&self->index, _hs_dwarf_index_free);
  if (self->dbg != NULL)
    {
      Dwarf_Error derr = NULL;

      if (dwarf_finish (self->dbg, &derr) == DW_DLV_ERROR)
        dwarf_dealloc (NULL, derr, DW_DLA_ERROR);
      self->dbg = NULL;
    }
  g_clear_pointer (&self->dwarf_handled, g_free);
}

/* ------------------------------------------------------------------------------------------ */
/* The index                                                                                  */

#define ENTRY(off, weak) HS_DWARF_ENTRY (off, weak)
#define ENTRY_OFFSET(p)  HS_DWARF_ENTRY_OFFSET (p)
#define ENTRY_WEAK(p)    HS_DWARF_ENTRY_WEAK (p)

void
_hs_dwarf_index_insert (HsDwarfIndex *index,
                        HsDwarfNs     ns,
                        const char   *name,
                        Dwarf_Off     off,
                        gboolean      weak)
{
  gpointer existing;

  /* The first strong definition wins; a weak one is kept only until a strong one turns up. */
  if (g_hash_table_lookup_extended (index->names[ns], name, NULL, &existing)
      && (weak || !ENTRY_WEAK (existing)))
    return;
  g_hash_table_insert (index->names[ns], (gpointer) name, ENTRY (off, weak));
}

/* The name of the DIE that @die completes (DW_AT_specification) or is an instance of
 * (DW_AT_abstract_origin), for definitions that carry no name themselves. */
static const char *
name_through_origin (HsSymbolFile *self,
                     Dwarf_Die     die)
{
  Dwarf_Off off = 0;
  Dwarf_Die origin = NULL;
  const char *name = NULL;

  if (_hs_dwarf_ref (self, die, DW_AT_specification, &off, NULL) != DW_DLV_OK
      && _hs_dwarf_ref (self, die, DW_AT_abstract_origin, &off, NULL) != DW_DLV_OK)
    return NULL;
  if (!_hs_dwarf_die_at (self, off, &origin, NULL))
    return NULL;
  name = _hs_dwarf_name (self, origin);
  _hs_dwarf_die_free (self, origin);
  return name;
}

static void
index_die (HsSymbolFile *self,
           HsDwarfIndex *index,
           Dwarf_Die     die)
{
  Dwarf_Half tag = _hs_dwarf_tag (self, die);
  const char *name;
  HsDwarfNs ns;
  gboolean weak = FALSE;

  switch (tag)
    {
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
      ns = HS_DWARF_NS_STRUCT;
      break;
    case DW_TAG_union_type:
      ns = HS_DWARF_NS_UNION;
      break;
    case DW_TAG_enumeration_type:
      ns = HS_DWARF_NS_ENUM;
      break;
    case DW_TAG_typedef:
    case DW_TAG_base_type:
      ns = HS_DWARF_NS_TYPEDEF;
      break;
    case DW_TAG_variable:
      ns = HS_DWARF_NS_VARIABLE;
      break;
    case DW_TAG_subprogram:
      ns = HS_DWARF_NS_FUNCTION;
      break;
    default:
      return;
    }

  name = _hs_dwarf_name (self, die);
  /* Headers repeat most types in every CU: once a name has its definition, skip the rest. */
  if (name != NULL)
    {
      gpointer existing;

      if (g_hash_table_lookup_extended (index->names[ns], name, NULL, &existing)
          && !ENTRY_WEAK (existing))
        return;
    }
  switch (ns)
    {
    case HS_DWARF_NS_STRUCT:
    case HS_DWARF_NS_UNION:
    case HS_DWARF_NS_ENUM:
      /* "struct task_struct;" is not a definition. */
      if (name == NULL || _hs_dwarf_has (self, die, DW_AT_declaration))
        return;
      break;
    case HS_DWARF_NS_TYPEDEF:
      if (name == NULL)
        return;
      break;
    case HS_DWARF_NS_VARIABLE:
      weak = !_hs_dwarf_has (self, die, DW_AT_location);
      if (name == NULL && !weak)
        name = name_through_origin (self, die);
      break;
    case HS_DWARF_NS_FUNCTION:
      weak = !_hs_dwarf_has (self, die, DW_AT_low_pc) && !_hs_dwarf_has (self, die, DW_AT_ranges);
      if (name == NULL && !weak)
        name = name_through_origin (self, die);
      break;
    default:
      g_assert_not_reached ();
    }
  if (name == NULL || name[0] == 0)
    return;

  _hs_dwarf_index_insert (index, ns, name, _hs_dwarf_offset (self, die), weak);
}

static gboolean
index_cu (HsSymbolFile  *self,
          HsDwarfIndex  *index,
          Dwarf_Half     version,
          GError       **error)
{
  Dwarf_Error derr = NULL;
  Dwarf_Die cu_die = NULL;
  Dwarf_Die die = NULL;
  HsDwarfCu cu = { 0 };
  int res;

  res = dwarf_siblingof_b (self->dbg, NULL, TRUE, &cu_die, &derr);
  if (res == DW_DLV_NO_ENTRY)
    return TRUE;   /* an empty unit */
  if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot read compilation unit %u",
                           index->cus->len);
      return FALSE;
    }

  cu.die = _hs_dwarf_offset (self, cu_die);
  cu.name = _hs_dwarf_name (self, cu_die);
  cu.version = version;
  g_array_append_val (index->cus, cu);

  while ((res = _hs_dwarf_next_child (self, cu_die, die, &die, error)) == DW_DLV_OK)
    {
      index->n_dies++;
      index_die (self, index, die);
    }
  _hs_dwarf_die_free (self, cu_die);
  if (res == DW_DLV_ERROR)
    {
      g_prefix_error (error, "in compilation unit %s: ", cu.name ? cu.name : "(unnamed)");
      return FALSE;
    }
  return TRUE;
}

/* The reference walk through libdwarf's DIE API, on this thread. */
static HsDwarfIndex *
build_index_libdwarf (HsSymbolFile           *self,
                      HsSymbolsProgressFunc   progress,
                      gpointer                progress_data,
                      const char             *what,
                      GCancellable           *cancellable,
                      GError                **error)
{
  HsDwarfIndex *index = _hs_dwarf_index_new ();
  gint64 start = g_get_monotonic_time ();
  double reported = 0;

  if (progress != NULL)
    progress (0, what, progress_data);

  for (;;)
    {
      Dwarf_Unsigned header_length = 0, type_offset = 0, next = 0;
      Dwarf_Half version = 0, address_size = 0, length_size = 0, extension_size = 0;
      Dwarf_Half unit_type = 0;
      Dwarf_Off abbrev_offset = 0;
      Dwarf_Sig8 signature;
      Dwarf_Error derr = NULL;
      int res;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          _hs_dwarf_index_free (index);
          /* libdwarf's unit cursor is half-way: start over with a fresh Dwarf_Debug. */
          _hs_dwarf_close (self);
          return NULL;
        }

      res = dwarf_next_cu_header_d (self->dbg, TRUE, &header_length, &version, &abbrev_offset,
                                    &address_size, &length_size, &extension_size, &signature,
                                    &type_offset, &next, &unit_type, &derr);
      if (res == DW_DLV_NO_ENTRY)
        break;
      if (res == DW_DLV_ERROR)
        {
          _hs_dwarf_set_error (self, error, derr, "cannot read the header of compilation "
                               "unit %u", index->cus->len);
          _hs_dwarf_index_free (index);
          return NULL;
        }
      if (!index_cu (self, index, version, error))
        {
          _hs_dwarf_index_free (index);
          return NULL;
        }

      if (progress != NULL && self->debug_info_size > 0)
        {
          double fraction = MIN (1.0, (double) next / self->debug_info_size);

          if (fraction - reported >= 0.01)
            {
              progress (fraction, what, progress_data);
              reported = fraction;
            }
        }
    }

  if (progress != NULL)
    progress (1.0, what, progress_data);
  index->seconds = (g_get_monotonic_time () - start) / 1e6;
  index->source = HS_DWARF_INDEX_LIBDWARF;
  return index;
}

/* The sections the scanner reads; FALSE when it cannot (compressed or absent sections). */
static gboolean
scan_sections (HsSymbolFile    *self,
               HsDwarfSections *s)
{
  memset (s, 0, sizeof *s);
  if (!_hs_dwarf_section_bytes (self, ".debug_info", &s->info, &s->info_size)
      || !_hs_dwarf_section_bytes (self, ".debug_abbrev", &s->abbrev, &s->abbrev_size))
    return FALSE;
  _hs_dwarf_section_bytes (self, ".debug_str", &s->str, &s->str_size);
  _hs_dwarf_section_bytes (self, ".debug_line_str", &s->line_str, &s->line_str_size);
  _hs_dwarf_section_bytes (self, ".debug_str_offsets", &s->str_offsets, &s->str_offsets_size);
  return TRUE;
}

/* The scanner, falling back to libdwarf for DWARF it does not know. @n_threads 0: its
 * default. */
static HsDwarfIndex *
build_index_fresh (HsSymbolFile           *self,
                   gboolean                fast,
                   guint                   n_threads,
                   HsSymbolsProgressFunc   progress,
                   gpointer                progress_data,
                   const char             *what,
                   GCancellable           *cancellable,
                   GError                **error)
{
  HsDwarfSections sections;
  HsDwarfIndex *index;
  GError *local_error = NULL;

  if (!fast)
    return build_index_libdwarf (self, progress, progress_data, what, cancellable, error);
  if (!scan_sections (self, &sections))
    {
      g_debug ("%s: no plain .debug_info/.debug_abbrev to scan: indexing through libdwarf",
               self->basename);
      return build_index_libdwarf (self, progress, progress_data, what, cancellable, error);
    }
  if (n_threads == 0)
    n_threads = _hs_dwarf_scan_threads (sections.info_size);
  index = _hs_dwarf_scan_index (&sections, self->basename, n_threads, progress, progress_data,
                                what, cancellable, &local_error);
  if (index != NULL)
    return index;
  if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  g_debug ("%s: %s: indexing through libdwarf", self->basename, local_error->message);
  g_clear_error (&local_error);
  return build_index_libdwarf (self, progress, progress_data, what, cancellable, error);
}

/* The file's NT_GNU_BUILD_ID and sizes, which a cache file must match. */
static void
cache_key (HsSymbolFile    *self,
           HsDwarfCacheKey *key)
{
  const guint8 *data;

  memset (key, 0, sizeof *key);
  key->file_size = self->file_size;
  key->mtime_ns = self->file_mtime_ns;
  _hs_dwarf_section_bytes (self, ".debug_info", &data, &key->info_size);
  _hs_dwarf_section_bytes (self, ".debug_abbrev", &data, &key->abbrev_size);
  _hs_dwarf_section_bytes (self, ".debug_str", &data, &key->str_size);

  memcpy (key->build_id, self->build_id, self->build_id_len);
  key->build_id_len = self->build_id_len;
}

typedef struct
{
  char *path;
  HsDwarfCacheKey key;
  const HsDwarfIndex *index;
} CacheSave;

static void *
cache_save_main (void *data)
{
  CacheSave *save = data;

  _hs_dwarf_cache_save (save->path, &save->key, save->index);
  g_free (save->path);
  g_free (save);
  return NULL;
}

/* Writing ~5 MB for vmlinux takes ~20 ms: not on the way to the first answer. */
static void
start_cache_save (HsSymbolFile          *self,
                  char                  *path,
                  const HsDwarfCacheKey *key,
                  const HsDwarfIndex    *index)
{
  CacheSave *save = g_new0 (CacheSave, 1);

  save->path = path;
  save->key = *key;
  save->index = index;
  g_assert (!self->saving);
  if (pthread_create (&self->cache_saver, NULL, cache_save_main, save) == 0)
    {
      self->saving = TRUE;
      return;
    }
  /* No thread to spare: write it here. */
  cache_save_main (save);
}

static gboolean
build_index (HsSymbolFile           *self,
             HsSymbolsProgressFunc   progress,
             gpointer                progress_data,
             GCancellable           *cancellable,
             GError                **error)
{
  g_autofree char *what = g_strdup_printf ("indexing DWARF of %s", self->basename);
  g_autofree char *cache_path = NULL;
  HsDwarfCacheKey key;
  HsDwarfIndex *index = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* A relocated file never uses the cache. The key describes the file on disk (build ID,
   * mtime, size) but the index is of the relocated bytes: its names come through .debug_str
   * offsets that only relocation fills in, so a plain load of the same .ko (whose offsets are
   * all zero) would share the key with other contents. A key marked "relocated" would do, as
   * the index does not depend on where the sections were placed, but it would buy little: a
   * module's DWARF is a few MB, scanned in milliseconds, and the cache stays a copy of files
   * whose bytes on disk are the bytes indexed. */
  cache_key (self, &key);
  cache_path = self->reloc == NULL ? _hs_dwarf_cache_path (&key) : NULL;
  if (cache_path != NULL)
    index = _hs_dwarf_cache_load (cache_path, &key);
  if (index != NULL)
    {
      if (progress != NULL)
        progress (1.0, what, progress_data);
    }
  else
    {
      index = build_index_fresh (self, TRUE, 0, progress, progress_data, what, cancellable,
                                 error);
      if (index == NULL)
        return FALSE;
      if (cache_path != NULL)
        start_cache_save (self, g_steal_pointer (&cache_path), &key, index);
    }

  g_debug ("%s: indexed %u CUs, %" G_GUINT64_FORMAT " top-level DIEs in %.3f s (%s)",
           self->basename, index->cus->len, index->n_dies, index->seconds,
           index->source == HS_DWARF_INDEX_CACHE ? "from the cache"
           : index->source == HS_DWARF_INDEX_SCAN ? "scanned" : "through libdwarf");
  self->index = index;
  self->index_source = index->source;
  g_atomic_int_set (&self->indexed, TRUE);
  return TRUE;
}

gboolean
_hs_dwarf_ensure (HsSymbolFile           *self,
                  HsSymbolsProgressFunc   progress,
                  gpointer                progress_data,
                  GCancellable           *cancellable,
                  GError                **error)
{
  GError *local_error = NULL;

  if (self->index != NULL)
    return TRUE;
  if (self->dwarf_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->dwarf_error));
      return FALSE;
    }
  if (!self->has_debug_info)
    {
      /* Not stored in dwarf_error: .debug_frame alone is still usable. */
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NO_DWARF,
                   "%s has no DWARF debugging information (no .debug_info): build it with -g "
                   "(for Linux, CONFIG_DEBUG_INFO)", self->basename);
      return FALSE;
    }
  if (!dwarf_open (self, error))
    return FALSE;
  if (build_index (self, progress, progress_data, cancellable, &local_error))
    return TRUE;

  /* Cancelling may be retried; a corrupt file stays corrupt. */
  if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->dwarf_error = g_error_copy (local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

HsDwarfIndex *
_hs_dwarf_build_index_for_test (HsSymbolFile        *self,
                                HsDwarfIndexSource   source,
                                guint                n_threads,
                                GError             **error)
{
  HsDwarfIndex *index = NULL;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), NULL);
  g_return_val_if_fail (source == HS_DWARF_INDEX_LIBDWARF || source == HS_DWARF_INDEX_SCAN,
                        NULL);

  hs_mutex_lock (&self->dwarf_lock);
  if (dwarf_open (self, error))
    index = build_index_fresh (self, source == HS_DWARF_INDEX_SCAN, n_threads, NULL, NULL, NULL,
                               NULL, error);
  hs_mutex_unlock (&self->dwarf_lock);
  return index;
}

HsDwarfIndexSource
_hs_symbol_file_get_index_source (HsSymbolFile *self)
{
  HsDwarfIndexSource source;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), HS_DWARF_INDEX_NONE);

  hs_mutex_lock (&self->dwarf_lock);
  source = self->index_source;
  hs_mutex_unlock (&self->dwarf_lock);
  return source;
}

/* Also used by the CFI code, which needs no index. */
gboolean
_hs_dwarf_open (HsSymbolFile  *self,
                GError       **error)
{
  return dwarf_open (self, error);
}

gboolean
_hs_dwarf_index_lookup (HsSymbolFile *self,
                        HsDwarfNs     ns,
                        const char   *name,
                        Dwarf_Off    *die,
                        gboolean     *weak)
{
  gpointer entry;

  if (self->index == NULL
      || !g_hash_table_lookup_extended (self->index->names[ns], name, NULL, &entry))
    return FALSE;
  *die = ENTRY_OFFSET (entry);
  if (weak != NULL)
    *weak = ENTRY_WEAK (entry);
  return TRUE;
}

guint
_hs_dwarf_index_count (HsSymbolFile *self,
                       HsDwarfNs     ns)
{
  return self->index != NULL ? g_hash_table_size (self->index->names[ns]) : 0;
}

/* Levenshtein distance, giving up (returning @limit + 1) once it must exceed @limit. */
static guint
edit_distance (const char *a,
               const char *b,
               guint       limit)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = NULL;

  if ((la > lb ? la - lb : lb - la) > limit || la > 256 || lb > 256)
    return limit + 1;
  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0], best = row[0] = i;

      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint value = MIN (MIN (row[j] + 1, row[j - 1] + 1),
                             diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));

          diagonal = up;
          row[j] = value;
          best = MIN (best, value);
        }
      if (best > limit)
        return limit + 1;
    }
  return row[lb];
}

/* The closest of @candidates to @name, if close enough to be a typo. */
char *
_hs_suggest_from (const char *name,
                  GPtrArray  *candidates)
{
  guint limit = MAX (1, MIN (3, strlen (name) / 3));
  const char *best = NULL;
  guint best_distance = limit + 1;

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *candidate = g_ptr_array_index (candidates, i);
      guint d = edit_distance (name, candidate, limit);

      if (d < best_distance || (d == best_distance && best != NULL && strcmp (candidate, best) < 0))
        {
          best = candidate;
          best_distance = d;
        }
    }
  return best_distance <= limit ? g_strdup (best) : NULL;
}

char *
_hs_dwarf_index_suggest (HsSymbolFile *self,
                         HsDwarfNs     ns,
                         const char   *name)
{
  g_autoptr(GPtrArray) candidates = NULL;
  GHashTableIter iter;
  gpointer key;

  if (self->index == NULL)
    return NULL;
  candidates = g_ptr_array_sized_new (g_hash_table_size (self->index->names[ns]));
  g_hash_table_iter_init (&iter, self->index->names[ns]);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (candidates, key);
  return _hs_suggest_from (name, candidates);
}
