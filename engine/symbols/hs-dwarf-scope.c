/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-scope.c: the parameters and local variables in scope at a pc.
 *
 * The unit that covers the pc is found as for line lookups; among its top-level subprograms,
 * the one whose ranges hold the pc is the frame's function (the out-of-line code: a concrete
 * instance of an inline function names itself through DW_AT_abstract_origin, as do its
 * parameters). Its children are walked down the lexical blocks that hold the pc; an inlined
 * subroutine that holds the pc is walked as well, and its variables are listed with the name
 * of the inlined function, so a frame shows what was visible at the pc even in code GCC folded
 * into its caller. At a caller frame's pc (its return address - 1), the call site of that
 * call (DW_TAG_call_site) tells what its argument registers held: the callee's entry values.
 * Each variable's location is resolved here, for this pc: a location list is
 * reduced to the one expression in effect, so the worker evaluates plain expressions without
 * the DWARF lock.
 *
 * DWARF is hostile input: the walk is bounded in depth (HS_DWARF_MAX_DEPTH) and in DIEs
 * visited, references are followed a bounded number of times, and location lists and
 * .debug_addr are read through the checked readers of hs-dwarf-expr.c.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"
#include "hs-dwarf-expr.h"

#include <string.h>

#define MAX_SCOPE_DIES 200000   /* DIEs one scope may visit: a huge function has a few thousand */
#define MAX_ORIGIN_HOPS 4       /* abstract_origin → specification → ... */

typedef struct
{
  HsSymbolFile *self;
  Dwarf_Off cu;
  guint version;
  guint64 cu_base;
  guint64 addr_base;
  guint64 loclists_base;
  gboolean has_loclists_base;
  guint64 pc;
  guint n_dies;
  HsScope *out;
} Walk;

static void
scope_variable_clear (HsScopeVariable *v)
{
  g_free (v->name);
  g_free (v->inlined_in);
  g_free (v->type_text);
  g_clear_pointer (&v->location, g_bytes_unref);
  g_free (v->problem);
  memset (v, 0, sizeof *v);
}

/**
 * hs_scope_clear:
 *
 * Frees what @scope owns and zeroes it.
 */
void
hs_scope_clear (HsScope *scope)
{
  g_return_if_fail (scope != NULL);

  g_free (scope->function);
  g_clear_pointer (&scope->frame_base, g_bytes_unref);
  g_clear_pointer (&scope->variables, g_array_unref);
  g_clear_pointer (&scope->call_values, g_array_unref);
  memset (scope, 0, sizeof *scope);
}

/* The DIE that names @die: itself, or what its DW_AT_abstract_origin / DW_AT_specification
 * leads to, a bounded number of hops. The caller frees the result when it is not @die. */
static Dwarf_Die
origin_of (HsSymbolFile *self,
           Dwarf_Die     die)
{
  Dwarf_Die cur = die;

  for (guint hop = 0; hop < MAX_ORIGIN_HOPS; hop++)
    {
      Dwarf_Off off = 0;
      Dwarf_Die next = NULL;

      if (_hs_dwarf_name (self, cur) != NULL)
        break;
      if (_hs_dwarf_ref (self, cur, DW_AT_abstract_origin, &off, NULL) != DW_DLV_OK
          && _hs_dwarf_ref (self, cur, DW_AT_specification, &off, NULL) != DW_DLV_OK)
        break;
      if (!_hs_dwarf_die_at (self, off, &next, NULL))
        break;
      if (cur != die)
        _hs_dwarf_die_free (self, cur);
      cur = next;
    }
  return cur;
}

/* An attribute of @die, or else of its origin. */
static int
ref_or_origin (HsSymbolFile *self,
               Dwarf_Die     die,
               Dwarf_Die     origin,
               Dwarf_Half    attr,
               Dwarf_Off    *out)
{
  int res = _hs_dwarf_ref (self, die, attr, out, NULL);

  if (res != DW_DLV_OK && origin != die)
    res = _hs_dwarf_ref (self, origin, attr, out, NULL);
  return res;
}

static gboolean
get_addr (guint64   index,
          guint64  *value,
          gpointer  user_data)
{
  Walk *w = user_data;
  const guint8 *addr = NULL;
  guint64 size = 0;

  if (!_hs_dwarf_section_bytes (w->self, ".debug_addr", &addr, &size)
      || index > (G_MAXUINT64 - w->addr_base) / 8
      || w->addr_base + index * 8 > size || size - (w->addr_base + index * 8) < 8)
    return FALSE;
  memcpy (value, addr + w->addr_base + index * 8, 8);
  *value = GUINT64_FROM_LE (*value);
  return TRUE;
}

/* The location of @v at the walk's pc, from @die's DW_AT_location (an expression, or a
 * location list reduced to the expression in effect), or its DW_AT_const_value. */
static gboolean
read_location (Walk             *w,
               Dwarf_Die         die,
               HsScopeVariable  *v,
               GError          **error)
{
  HsSymbolFile *self = w->self;
  Dwarf_Attribute attr = NULL;
  Dwarf_Error derr = NULL;
  Dwarf_Half form = 0;
  GBytes *block = NULL;
  guint64 offset = 0;
  const guint8 *section = NULL, *expr = NULL;
  guint64 section_size = 0;
  gsize expr_len = 0;
  int res;

  res = _hs_dwarf_read_block (self, die, DW_AT_location, &block, error);
  if (res == DW_DLV_ERROR)
    return FALSE;
  if (res == DW_DLV_OK)
    {
      v->has_location = TRUE;
      v->location = block;
      return TRUE;
    }

  res = dwarf_attr (die, DW_AT_location, &attr, &derr);
  if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot read DW_AT_location");
      return FALSE;
    }
  if (res == DW_DLV_NO_ENTRY)
    {
      guint64 value = 0;

      /* A constant the compiler folded: the value is the location. */
      if (_hs_dwarf_udata (self, die, DW_AT_const_value, &value, NULL) == DW_DLV_OK)
        {
          v->const_value = TRUE;
          v->value = value;
        }
      return TRUE;
    }

  res = dwarf_whatform (attr, &form, &derr);
  if (res == DW_DLV_OK)
    {
      if (form == DW_FORM_loclistx)
        {
          Dwarf_Unsigned index = 0;

          res = dwarf_formudata (attr, &index, &derr);
          if (res == DW_DLV_OK)
            {
              const guint8 *lists = NULL;
              guint64 lists_size = 0;
              guint32 rel = 0;

              /* DWARF 5 (32-bit): offsets[index] at loclists_base, relative to it. */
              if (!w->has_loclists_base
                  || !_hs_dwarf_section_bytes (self, ".debug_loclists", &lists, &lists_size)
                  || index > (lists_size / 4) || w->loclists_base > lists_size
                  || (lists_size - w->loclists_base) / 4 <= index)
                {
                  dwarf_dealloc_attribute (attr);
                  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                               "location list %" G_GUINT64_FORMAT " is outside "
                               ".debug_loclists", (guint64) index);
                  return FALSE;
                }
              memcpy (&rel, lists + w->loclists_base + index * 4, 4);
              offset = w->loclists_base + GUINT32_FROM_LE (rel);
            }
        }
      else if (form == DW_FORM_sec_offset || form == DW_FORM_data4 || form == DW_FORM_data8)
        {
          Dwarf_Off off = 0;

          res = dwarf_global_formref (attr, &off, &derr);
          offset = off;
        }
      else
        res = DW_DLV_NO_ENTRY;
    }
  dwarf_dealloc_attribute (attr);
  if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot read the location list of %s",
                           v->name);
      return FALSE;
    }
  if (res == DW_DLV_NO_ENTRY)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "%s: DW_AT_location in form 0x%x is not supported", v->name, form);
      return FALSE;
    }

  if (!_hs_dwarf_section_bytes (self, w->version >= 5 ? ".debug_loclists" : ".debug_loc",
                                &section, &section_size))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "%s has a location list but %s has no %s", v->name, self->basename,
                   w->version >= 5 ? ".debug_loclists" : ".debug_loc");
      return FALSE;
    }
  if (!hs_dwarf_loclist_find (section, section_size, offset, w->version, 8, w->cu_base,
                              get_addr, w, w->pc, &expr, &expr_len, error))
    return FALSE;
  v->has_location = TRUE;
  v->from_list = TRUE;
  v->location = g_bytes_new (expr, expr_len);
  return TRUE;
}

static gboolean
add_variable (Walk        *w,
              Dwarf_Die    die,
              gboolean     is_parameter,
              const char  *inlined_in,
              GError     **error)
{
  HsSymbolFile *self = w->self;
  Dwarf_Die origin;
  HsScopeVariable v = { 0 };
  const char *name;
  Dwarf_Off type = 0;
  gboolean ok;

  /* An extern declaration inside a function is not a local. */
  if (_hs_dwarf_has (self, die, DW_AT_declaration))
    return TRUE;
  origin = origin_of (self, die);
  name = _hs_dwarf_name (self, origin);
  if (name == NULL)
    {
      if (origin != die)
        _hs_dwarf_die_free (self, origin);
      return TRUE;
    }
  v.name = g_strdup (name);
  v.is_parameter = is_parameter;
  v.inlined_in = g_strdup (inlined_in);
  if (ref_or_origin (self, die, origin, DW_AT_type, &type) == DW_DLV_OK)
    {
      v.type_die = type;
      v.type_text = _hs_dwarf_type_text (self, type);
      if (!_hs_dwarf_type_size_at (self, type, &v.size, NULL))
        v.size = 0;
    }
  if (origin != die)
    _hs_dwarf_die_free (self, origin);

  /* One damaged location hides that variable's value, not the frame's others. */
  {
    g_autoptr(GError) local_error = NULL;

    ok = read_location (w, die, &v, &local_error);
    if (!ok)
      {
        g_clear_pointer (&v.location, g_bytes_unref);
        v.has_location = FALSE;
        v.problem = g_strdup (local_error != NULL ? local_error->message : "unknown error");
      }
  }
  g_array_append_val (w->out->variables, v);
  return TRUE;
}

/* Whether the pc is in @die's code; a block with no address attribute at all spans its
 * parent, as GCC emits none for such. */
static gboolean
block_covers (Walk       *w,
              Dwarf_Die   die,
              gboolean   *covers,
              GError    **error)
{
  HsSymbolFile *self = w->self;

  if (!_hs_dwarf_has (self, die, DW_AT_low_pc) && !_hs_dwarf_has (self, die, DW_AT_ranges))
    {
      *covers = TRUE;
      return TRUE;
    }
  return _hs_dwarf_die_covers (self, die, w->cu, w->pc, covers, error);
}

static void
call_site_value_clear (HsCallSiteValue *v)
{
  g_clear_pointer (&v->value, g_bytes_unref);
}

/* A call site whose return address is the walk's pc + 1 (the pc of a caller frame is its
 * return address - 1): its parameters' DW_AT_call_value, the callee's entry values. */
static void
read_call_site (Walk      *w,
                Dwarf_Die  site,
                gboolean   gnu)
{
  HsSymbolFile *self = w->self;
  Dwarf_Die child = NULL;
  guint64 return_pc = 0;
  guint n = 0;
  int res;

  if (_hs_dwarf_addr (self, site, gnu ? DW_AT_low_pc : DW_AT_call_return_pc, &return_pc, NULL)
        != DW_DLV_OK
      || w->pc == G_MAXUINT64 || return_pc != w->pc + 1)
    return;
  for (res = _hs_dwarf_next_child (self, site, NULL, &child, NULL); res == DW_DLV_OK && n < 64;
       res = _hs_dwarf_next_child (self, site, child, &child, NULL), n++)
    {
      Dwarf_Half tag = _hs_dwarf_tag (self, child);
      g_autoptr(GBytes) location = NULL;
      GBytes *value = NULL;
      gsize len = 0;
      const guint8 *op;
      HsCallSiteValue v;

      if (tag != DW_TAG_call_site_parameter && tag != DW_TAG_GNU_call_site_parameter)
        continue;
      if (_hs_dwarf_read_block (self, child, DW_AT_location, &location, NULL) != DW_DLV_OK
          || (_hs_dwarf_read_block (self, child, DW_AT_call_value, &value, NULL) != DW_DLV_OK
              && _hs_dwarf_read_block (self, child, DW_AT_GNU_call_site_value, &value, NULL)
                   != DW_DLV_OK))
        continue;
      op = g_bytes_get_data (location, &len);
      if (len != 1 || op[0] < DW_OP_reg0 || op[0] > DW_OP_reg31)
        {
          g_bytes_unref (value);
          continue;
        }
      v.reg = op[0] - DW_OP_reg0;
      v.value = value;
      g_array_append_val (w->out->call_values, v);
    }
  if (res == DW_DLV_OK)
    _hs_dwarf_die_free (self, child);
}

static gboolean
walk_children (Walk        *w,
               Dwarf_Die    parent,
               const char  *inlined_in,
               guint        depth,
               GError     **error)
{
  HsSymbolFile *self = w->self;
  Dwarf_Die child = NULL;
  int res;

  if (depth > HS_DWARF_MAX_DEPTH)
    return TRUE;       /* deeper than C nests: keep what was found */

  for (res = _hs_dwarf_next_child (self, parent, NULL, &child, error); res == DW_DLV_OK;
       res = _hs_dwarf_next_child (self, parent, child, &child, error))
    {
      Dwarf_Half tag = _hs_dwarf_tag (self, child);
      gboolean covers = FALSE;

      if (++w->n_dies > MAX_SCOPE_DIES)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "the function at 0x%" G_GINT64_MODIFIER "x has more than %u DIEs",
                       w->pc, MAX_SCOPE_DIES);
          _hs_dwarf_die_free (self, child);
          return FALSE;
        }
      switch (tag)
        {
        case DW_TAG_formal_parameter:
        case DW_TAG_variable:
          if (!add_variable (w, child, tag == DW_TAG_formal_parameter, inlined_in, error))
            {
              _hs_dwarf_die_free (self, child);
              return FALSE;
            }
          break;
        case DW_TAG_lexical_block:
          if (!block_covers (w, child, &covers, error)
              || (covers && !walk_children (w, child, inlined_in, depth + 1, error)))
            {
              _hs_dwarf_die_free (self, child);
              return FALSE;
            }
          break;
        case DW_TAG_call_site:
        case DW_TAG_GNU_call_site:
          read_call_site (w, child, tag == DW_TAG_GNU_call_site);
          break;
        case DW_TAG_inlined_subroutine:
          if (!_hs_dwarf_die_covers (self, child, w->cu, w->pc, &covers, error))
            {
              _hs_dwarf_die_free (self, child);
              return FALSE;
            }
          if (covers)
            {
              Dwarf_Die origin = origin_of (self, child);
              g_autofree char *name = g_strdup (_hs_dwarf_name (self, origin));

              if (origin != child)
                _hs_dwarf_die_free (self, origin);
              if (!walk_children (w, child, name != NULL ? name : "?", depth + 1, error))
                {
                  _hs_dwarf_die_free (self, child);
                  return FALSE;
                }
            }
          break;
        default:
          break;
        }
    }
  return res != DW_DLV_ERROR;
}

gboolean
_hs_dwarf_scope (HsSymbolFile  *self,
                 guint64        pc,
                 HsScope       *out,
                 GError       **error)
{
  Walk w = { .self = self, .pc = pc, .out = out };
  Dwarf_Die cu_die = NULL, child = NULL, function = NULL;
  guint64 value = 0;
  guint n = 0;
  int res;

  memset (out, 0, sizeof *out);
  /* On the ftrace NOPs before a kernel function's DWARF start nothing has run yet: the scope
   * is the function's, as at its first instruction. */
  w.pc = pc = _hs_skip_entry_nops (self, pc);
  if (!_hs_dwarf_find_cu (self, pc, &w.cu, error))
    return FALSE;
  if (!_hs_dwarf_die_at (self, w.cu, &cu_die, error))
    return FALSE;
  w.version = _hs_dwarf_cu_version (self, w.cu);
  if (_hs_dwarf_addr (self, cu_die, DW_AT_low_pc, &w.cu_base, NULL) != DW_DLV_OK)
    w.cu_base = 0;
  if (_hs_dwarf_udata (self, cu_die, DW_AT_addr_base, &value, NULL) == DW_DLV_OK
      || _hs_dwarf_udata (self, cu_die, DW_AT_GNU_addr_base, &value, NULL) == DW_DLV_OK)
    w.addr_base = value;
  if (_hs_dwarf_udata (self, cu_die, DW_AT_loclists_base, &value, NULL) == DW_DLV_OK)
    {
      w.loclists_base = value;
      w.has_loclists_base = TRUE;
    }

  for (res = _hs_dwarf_next_child (self, cu_die, NULL, &child, error); res == DW_DLV_OK;
       res = _hs_dwarf_next_child (self, cu_die, child, &child, error))
    {
      gboolean covers = FALSE;

      if (++n > HS_DWARF_MAX_CHILDREN)
        {
          _hs_dwarf_die_free (self, child);
          break;
        }
      if (_hs_dwarf_tag (self, child) != DW_TAG_subprogram
          || _hs_dwarf_has (self, child, DW_AT_declaration))
        continue;
      if (!_hs_dwarf_die_covers (self, child, w.cu, pc, &covers, error))
        {
          _hs_dwarf_die_free (self, child);
          _hs_dwarf_die_free (self, cu_die);
          return FALSE;
        }
      if (covers)
        {
          /* Keep it: the next _hs_dwarf_next_child() would free it. */
          Dwarf_Off off = _hs_dwarf_offset (self, child);

          _hs_dwarf_die_free (self, child);
          if (!_hs_dwarf_die_at (self, off, &function, error))
            {
              _hs_dwarf_die_free (self, cu_die);
              return FALSE;
            }
          break;
        }
    }
  _hs_dwarf_die_free (self, cu_die);
  if (res == DW_DLV_ERROR)
    return FALSE;
  if (function == NULL)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "no function with debug information covers 0x%" G_GINT64_MODIFIER "x in %s",
                   pc, self->basename);
      return FALSE;
    }

  out->function_die = _hs_dwarf_offset (self, function);
  {
    Dwarf_Die origin = origin_of (self, function);

    out->function = g_strdup (_hs_dwarf_name (self, origin));
    if (origin != function)
      _hs_dwarf_die_free (self, origin);
  }
  if (_hs_dwarf_addr (self, function, DW_AT_low_pc, &out->entry_pc, NULL) != DW_DLV_OK)
    out->entry_pc = 0;
  if (_hs_dwarf_read_block (self, function, DW_AT_frame_base, &out->frame_base, error)
      == DW_DLV_ERROR)
    {
      _hs_dwarf_die_free (self, function);
      hs_scope_clear (out);
      return FALSE;
    }
  out->variables = g_array_new (FALSE, TRUE, sizeof (HsScopeVariable));
  g_array_set_clear_func (out->variables, (GDestroyNotify) scope_variable_clear);
  out->call_values = g_array_new (FALSE, TRUE, sizeof (HsCallSiteValue));
  g_array_set_clear_func (out->call_values, (GDestroyNotify) call_site_value_clear);
  if (!walk_children (&w, function, NULL, 0, error))
    {
      _hs_dwarf_die_free (self, function);
      hs_scope_clear (out);
      return FALSE;
    }
  _hs_dwarf_die_free (self, function);
  return TRUE;
}
