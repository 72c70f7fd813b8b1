/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-info.c: what sYmbol.INFO says about a variable or a function:
 * its type, address, size and where it is declared, from DWARF with the
 * ELF symbol table as the fallback.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include "hs-leb128.h"

#include <string.h>

/* DW_AT_decl_file and DW_AT_decl_line of @die, or of @origin where @die lacks them. */
static void
declaration (HsSymbolFile *self,
             Dwarf_Die     die,
             Dwarf_Die     origin,
             HsSymbolInfo *out)
{
  Dwarf_Die from = die;
  guint64 file = 0, line = 0;
  g_autoptr(GPtrArray) files = NULL;

  if (_hs_dwarf_udata (self, die, DW_AT_decl_file, &file, NULL) != DW_DLV_OK)
    {
      from = origin;
      if (origin == NULL || _hs_dwarf_udata (self, origin, DW_AT_decl_file, &file, NULL)
                            != DW_DLV_OK)
        return;
    }
  if (_hs_dwarf_udata (self, from, DW_AT_decl_line, &line, NULL) == DW_DLV_OK)
    out->decl_line = line;
  files = _hs_dwarf_cu_files (self, from, NULL);
  if (files != NULL && file < files->len)
    out->decl_file = g_strdup (g_ptr_array_index (files, file));
}

/* The DIE that @die completes or instantiates, if any. */
static Dwarf_Die
origin_of (HsSymbolFile *self,
           Dwarf_Die     die)
{
  Dwarf_Off off = 0;
  Dwarf_Die origin = NULL;

  if (_hs_dwarf_ref (self, die, DW_AT_specification, &off, NULL) != DW_DLV_OK
      && _hs_dwarf_ref (self, die, DW_AT_abstract_origin, &off, NULL) != DW_DLV_OK)
    return NULL;
  if (!_hs_dwarf_die_at (self, off, &origin, NULL))
    return NULL;
  return origin;
}

static gboolean
type_of_either (HsSymbolFile *self,
                Dwarf_Die     die,
                Dwarf_Die     origin,
                Dwarf_Off    *type)
{
  if (_hs_dwarf_ref (self, die, DW_AT_type, type, NULL) == DW_DLV_OK)
    return TRUE;
  return origin != NULL && _hs_dwarf_ref (self, origin, DW_AT_type, type, NULL) == DW_DLV_OK;
}

/* A static address from a location expression: DW_OP_addr or DW_OP_addrx, alone. */
static gboolean
static_address (HsSymbolFile *self,
                Dwarf_Die     die,
                guint64      *address)
{
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *p, *end;
  gsize len;

  if (_hs_dwarf_read_block (self, die, DW_AT_location, &bytes, NULL) != DW_DLV_OK)
    return FALSE;
  p = g_bytes_get_data (bytes, &len);
  /* An empty expression (no address) has no data at all: NULL, which nothing may be added to. */
  if (len == 0)
    return FALSE;
  end = p + len;
  if (len == 9 && p[0] == DW_OP_addr)
    {
      guint64 value = 0;

      for (int i = 7; i >= 0; i--)
        value = (value << 8) | p[1 + i];
      *address = value;
      return TRUE;
    }
  if (len >= 2 && (p[0] == DW_OP_addrx || p[0] == DW_OP_GNU_addr_index))
    {
      Dwarf_Error derr = NULL;
      Dwarf_Addr addr = 0;
      guint64 index;

      p++;
      if (!hs_read_uleb (&p, end, &index) || p != end)
        return FALSE;
      if (dwarf_debug_addr_index_to_addr (die, index, &addr, &derr) != DW_DLV_OK)
        {
          _hs_dwarf_drop_error (self, &derr);
          return FALSE;
        }
      *address = addr;
      return TRUE;
    }
  return FALSE;
}

gboolean
_hs_dwarf_variable (HsSymbolFile  *self,
                    const char    *name,
                    HsSymbolInfo  *out,
                    GError       **error)
{
  Dwarf_Off off, type = 0;
  Dwarf_Die die = NULL, origin = NULL;
  HsSymbol sym;
  gboolean weak;

  if (!_hs_dwarf_index_lookup (self, HS_DWARF_NS_VARIABLE, name, &off, &weak))
    {
      g_autofree char *suggestion = _hs_dwarf_index_suggest (self, HS_DWARF_NS_VARIABLE, name);

      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "%s has no variable '%s'%s%s%s", self->basename, name,
                   suggestion ? "; did you mean '" : "", suggestion ? suggestion : "",
                   suggestion ? "'?" : "");
      return FALSE;
    }
  if (!_hs_dwarf_die_at (self, off, &die, error))
    return FALSE;
  origin = origin_of (self, die);

  out->name = g_strdup (name);
  out->kind = HS_SYMBOL_OBJECT;
  out->has_address = static_address (self, die, &out->address);
  if (type_of_either (self, die, origin, &type))
    {
      out->type_die = type;
      out->type_name = _hs_dwarf_type_text (self, type);
      if (!_hs_dwarf_type_size_at (self, type, &out->size, NULL))
        out->size = 0;
    }
  declaration (self, die, origin, out);

  /* A declaration here, defined in assembly or a CU without debug info: ask the ELF. */
  if (_hs_elf_symtab_lookup (self->symtab, name, &sym) && sym.kind == HS_SYMBOL_OBJECT)
    {
      if (!out->has_address)
        {
          out->address = sym.address;
          out->has_address = TRUE;
        }
      if (out->size == 0)
        out->size = sym.size;
    }

  _hs_dwarf_die_free (self, origin);
  _hs_dwarf_die_free (self, die);
  return TRUE;
}

gboolean
_hs_dwarf_function (HsSymbolFile  *self,
                    const char    *name,
                    HsSymbolInfo  *out,
                    GError       **error)
{
  Dwarf_Off off;
  Dwarf_Die die = NULL, origin = NULL;
  HsSymbol sym;
  gboolean weak;
  guint64 low = 0;

  if (!_hs_dwarf_index_lookup (self, HS_DWARF_NS_FUNCTION, name, &off, &weak))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "%s has no function '%s'", self->basename, name);
      return FALSE;
    }
  if (!_hs_dwarf_die_at (self, off, &die, error))
    return FALSE;
  origin = origin_of (self, die);

  out->name = g_strdup (name);
  out->kind = HS_SYMBOL_FUNCTION;
  if (_hs_dwarf_addr (self, die, DW_AT_low_pc, &low, NULL) == DW_DLV_OK)
    {
      Dwarf_Error derr = NULL;
      Dwarf_Addr high = 0;
      Dwarf_Half form = 0;
      enum Dwarf_Form_Class form_class = DW_FORM_CLASS_UNKNOWN;

      out->address = low;
      out->has_address = TRUE;
      if (dwarf_highpc_b (die, &high, &form, &form_class, &derr) == DW_DLV_OK)
        out->size = form_class == DW_FORM_CLASS_CONSTANT ? high : high - low;
      else
        _hs_dwarf_drop_error (self, &derr);
    }

  /* The ELF symbol is the function's identity (what callers, tracers and breakpoints by name
   * use), and vmlinux's DWARF low_pc is 8 bytes past it, after the ftrace patch site. It also
   * covers functions split by DW_AT_ranges or only declared here. */
  if (_hs_elf_symtab_lookup (self->symtab, name, &sym) && sym.kind == HS_SYMBOL_FUNCTION
      && (!out->has_address
          || (out->address >= sym.address && out->address < sym.address + MAX (sym.size, 1))))
    {
      out->address = sym.address;
      out->size = sym.size;
      out->has_address = TRUE;
    }

  out->type_name = _hs_dwarf_type_text (self, origin != NULL ? _hs_dwarf_offset (self, origin)
                                                             : off);
  declaration (self, die, origin, out);

  _hs_dwarf_die_free (self, origin);
  _hs_dwarf_die_free (self, die);
  return TRUE;
}
