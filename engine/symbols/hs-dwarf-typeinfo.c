/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-typeinfo.c: types by DIE for whoever formats values (expressions, locals): what a
 * type is, its members, its enumerators, and finding one by its C name.
 *
 * A type is named by its DIE's global offset so that callers on any thread can hold on to it
 * without holding libdwarf objects. Each public function takes dwarf_lock for one answer; the
 * walks reuse the bounded helpers of hs-dwarf-types.c and hs-dwarf-members.c, and every list
 * is capped at HS_DWARF_MAX_CHILDREN entries.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include <string.h>

void
hs_type_info_clear (HsTypeInfo *info)
{
  g_clear_pointer (&info->name, g_free);
  g_clear_pointer (&info->spelling, g_free);
  memset (info, 0, sizeof *info);
}

void
hs_type_member_clear (HsTypeMember *member)
{
  g_clear_pointer (&member->name, g_free);
  memset (member, 0, sizeof *member);
}

static void
enumerator_clear (gpointer data)
{
  HsTypeEnumerator *e = data;

  g_clear_pointer (&e->name, g_free);
}

static void
member_clear (gpointer data)
{
  hs_type_member_clear (data);
}

static HsTypeEncoding
encoding_of (guint64 ate)
{
  switch (ate)
    {
    case DW_ATE_signed:
      return HS_TYPE_ENCODING_SIGNED;
    case DW_ATE_unsigned:
    case DW_ATE_address:
      return HS_TYPE_ENCODING_UNSIGNED;
    case DW_ATE_boolean:
      return HS_TYPE_ENCODING_BOOL;
    case DW_ATE_float:
      return HS_TYPE_ENCODING_FLOAT;
    case DW_ATE_signed_char:
      return HS_TYPE_ENCODING_SIGNED_CHAR;
    case DW_ATE_unsigned_char:
    case DW_ATE_UTF:
      return HS_TYPE_ENCODING_UNSIGNED_CHAR;
    default:
      return HS_TYPE_ENCODING_NONE;
    }
}

static gboolean
type_info (HsSymbolFile  *self,
           Dwarf_Off      off,
           HsTypeInfo    *out,
           GError       **error)
{
  Dwarf_Die die = NULL;
  Dwarf_Half tag;
  Dwarf_Off target = 0;
  const char *name;
  gboolean ok = TRUE;
  guint64 ate = 0;

  memset (out, 0, sizeof *out);
  out->spelling = _hs_dwarf_type_name_ref (self, (HsDwarfTypeRef) { off, 0 });
  if (off == 0)
    {
      out->kind = HS_TYPE_VOID;
      return TRUE;
    }
  if (!_hs_dwarf_die_at (self, off, &die, error))
    return FALSE;
  tag = _hs_dwarf_tag (self, die);
  name = _hs_dwarf_name (self, die);
  out->name = g_strdup (name);
  if (!_hs_dwarf_type_of (self, die, &target, error))
    {
      _hs_dwarf_die_free (self, die);
      return FALSE;
    }
  out->target = target;

  switch (tag)
    {
    case DW_TAG_base_type:
      out->kind = HS_TYPE_BASE;
      if (_hs_dwarf_udata (self, die, DW_AT_encoding, &ate, error) == DW_DLV_ERROR)
        ok = FALSE;
      out->encoding = encoding_of (ate);
      break;
    case DW_TAG_unspecified_type:
      out->kind = HS_TYPE_VOID;
      break;
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
    case DW_TAG_rvalue_reference_type:
      out->kind = HS_TYPE_POINTER;
      break;
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
      out->kind = HS_TYPE_STRUCT;
      break;
    case DW_TAG_union_type:
      out->kind = HS_TYPE_UNION;
      break;
    case DW_TAG_enumeration_type:
      out->kind = HS_TYPE_ENUM;
      out->encoding = HS_TYPE_ENCODING_UNSIGNED;
      if (target != 0)
        {
          Dwarf_Off base;
          Dwarf_Half base_tag;
          Dwarf_Die base_die = NULL;

          if (_hs_dwarf_strip_type (self, target, &base, &base_tag, NULL)
              && base_tag == DW_TAG_base_type && _hs_dwarf_die_at (self, base, &base_die, NULL))
            {
              if (_hs_dwarf_udata (self, base_die, DW_AT_encoding, &ate, NULL) == DW_DLV_OK)
                out->encoding = encoding_of (ate);
              _hs_dwarf_die_free (self, base_die);
            }
        }
      else
        {
          /* Without DW_AT_type (DWARF 2-4 from older GCC) an enum is signed unless it says. */
          if (_hs_dwarf_has (self, die, DW_AT_encoding)
              && _hs_dwarf_udata (self, die, DW_AT_encoding, &ate, NULL) == DW_DLV_OK)
            out->encoding = encoding_of (ate);
        }
      break;
    case DW_TAG_array_type:
      {
        HsDwarfDims dims;

        out->kind = HS_TYPE_ARRAY;
        if (!_hs_dwarf_array_dims (self, die, &dims, error))
          ok = FALSE;
        else
          {
            out->n_dims = MIN (dims.n, HS_TYPE_MAX_DIMS);
            for (guint i = 0; i < out->n_dims; i++)
              out->dims[i] = dims.known[i] ? dims.count[i] : 0;
          }
      }
      break;
    case DW_TAG_typedef:
      out->kind = HS_TYPE_TYPEDEF;
      break;
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
    case DW_TAG_atomic_type:
      out->kind = HS_TYPE_QUALIFIED;
      out->qualifiers = tag == DW_TAG_const_type      ? HS_TYPE_CONST
                        : tag == DW_TAG_volatile_type ? HS_TYPE_VOLATILE
                        : tag == DW_TAG_restrict_type ? HS_TYPE_RESTRICT
                                                      : HS_TYPE_ATOMIC;
      break;
    case DW_TAG_subroutine_type:
    case DW_TAG_subprogram:
      out->kind = HS_TYPE_FUNCTION;
      break;
    default:
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "the DIE at 0x%" G_GINT64_MODIFIER "x in %s is not a type this debugger "
                   "knows (tag 0x%x)", (guint64) off, self->basename, tag);
      ok = FALSE;
      break;
    }
  _hs_dwarf_die_free (self, die);
  if (!ok)
    {
      hs_type_info_clear (out);
      return FALSE;
    }
  if (out->kind != HS_TYPE_VOID && out->kind != HS_TYPE_FUNCTION
      && _hs_dwarf_type_size_ref (self, (HsDwarfTypeRef) { off, 0 }, 0, &out->size, NULL))
    out->has_size = TRUE;
  return TRUE;
}

/**
 * hs_symbol_file_get_type_info:
 * @out: (out caller-allocates): clear it with hs_type_info_clear()
 */
gboolean
hs_symbol_file_get_type_info (HsSymbolFile  *self,
                              guint64        type_die,
                              HsTypeInfo    *out,
                              GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!_hs_symbol_file_dwarf_begin (self, error))
    return FALSE;
  ok = type_info (self, type_die, out, error);
  _hs_symbol_file_dwarf_end (self);
  return ok;
}

gboolean
hs_symbol_file_strip_type (HsSymbolFile  *self,
                           guint64        type_die,
                           guint64       *out,
                           GError       **error)
{
  Dwarf_Off stripped = 0;
  Dwarf_Half tag;
  gboolean ok;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_hs_symbol_file_dwarf_begin (self, error))
    return FALSE;
  ok = _hs_dwarf_strip_type (self, type_die, &stripped, &tag, error);
  _hs_symbol_file_dwarf_end (self);
  *out = ok ? stripped : 0;
  return ok;
}

gboolean
hs_symbol_file_find_type (HsSymbolFile  *self,
                          const char    *spelled,
                          guint64       *type_die,
                          GError       **error)
{
  Dwarf_Off off = 0;
  gboolean ok;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (spelled != NULL, FALSE);
  g_return_val_if_fail (type_die != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_hs_symbol_file_dwarf_begin (self, error))
    return FALSE;
  ok = _hs_dwarf_find_named_type (self, spelled, &off, error);
  _hs_symbol_file_dwarf_end (self);
  *type_die = ok ? off : 0;
  return ok;
}

/* @type_die through typedefs to a struct or union, with an error naming it if it is not. */
static gboolean
aggregate_of (HsSymbolFile  *self,
              Dwarf_Off      type_die,
              Dwarf_Off     *agg,
              GError       **error)
{
  Dwarf_Half tag;

  if (!_hs_dwarf_strip_type (self, type_die, agg, &tag, error))
    return FALSE;
  if (!_hs_dwarf_is_aggregate (tag))
    {
      g_autofree char *spelled = _hs_dwarf_type_name_ref (self, (HsDwarfTypeRef) { type_die, 0 });

      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                   "%s is not a struct or union", spelled);
      return FALSE;
    }
  return TRUE;
}

GArray *
hs_symbol_file_get_members (HsSymbolFile  *self,
                            guint64        type_die,
                            GError       **error)
{
  g_autoptr(GArray) members = NULL;
  Dwarf_Die die = NULL, child = NULL;
  Dwarf_Off agg;
  guint n = 0;
  int res;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_hs_symbol_file_dwarf_begin (self, error))
    return NULL;
  if (!aggregate_of (self, type_die, &agg, error) || !_hs_dwarf_die_at (self, agg, &die, error))
    {
      _hs_symbol_file_dwarf_end (self);
      return NULL;
    }
  members = g_array_new (FALSE, TRUE, sizeof (HsTypeMember));
  g_array_set_clear_func (members, member_clear);
  while ((res = _hs_dwarf_next_child (self, die, child, &child, error)) == DW_DLV_OK)
    {
      HsDwarfFound found = { 0 };
      HsTypeMember member = { 0 };

      if (++n > HS_DWARF_MAX_CHILDREN)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "corrupt DWARF in %s: a struct with more than %d members",
                       self->basename, HS_DWARF_MAX_CHILDREN);
          res = DW_DLV_ERROR;
          break;
        }
      if (_hs_dwarf_tag (self, child) != DW_TAG_member)
        continue;
      if (!_hs_dwarf_member_location (self, child, &found, error))
        {
          res = DW_DLV_ERROR;
          break;
        }
      member.name = g_strdup (_hs_dwarf_name (self, child));
      member.offset = found.offset;
      member.type_die = found.type;
      member.bit_offset = found.bit_offset;
      member.bit_size = found.bit_size;
      g_array_append_val (members, member);
    }
  _hs_dwarf_die_free (self, child);
  _hs_dwarf_die_free (self, die);
  _hs_symbol_file_dwarf_end (self);
  if (res == DW_DLV_ERROR)
    return NULL;
  return g_steal_pointer (&members);
}

/**
 * hs_symbol_file_find_member:
 * @out: (out caller-allocates): clear it with hs_type_member_clear()
 */
gboolean
hs_symbol_file_find_member (HsSymbolFile  *self,
                            guint64        type_die,
                            const char    *name,
                            HsTypeMember  *out,
                            GError       **error)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  HsDwarfFound found = { 0 };
  Dwarf_Off agg;
  int res;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!_hs_symbol_file_dwarf_begin (self, error))
    return FALSE;
  if (!aggregate_of (self, type_die, &agg, error))
    {
      _hs_symbol_file_dwarf_end (self);
      return FALSE;
    }
  res = _hs_dwarf_find_member (self, agg, name, &found, seen, error);
  if (res == DW_DLV_NO_ENTRY)
    {
      g_autofree char *spelled = _hs_dwarf_type_name_ref (self, (HsDwarfTypeRef) { type_die, 0 });
      g_autofree char *suggestion = _hs_suggest_from (name, seen);

      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "%s has no member '%s'%s%s%s", spelled, name,
                   suggestion ? "; did you mean '" : "", suggestion ? suggestion : "",
                   suggestion ? "'?" : "");
    }
  _hs_symbol_file_dwarf_end (self);
  if (res != DW_DLV_OK)
    return FALSE;
  out->name = g_strdup (name);
  out->offset = found.offset;
  out->type_die = found.type;
  out->bit_offset = found.bit_offset;
  out->bit_size = found.bit_size;
  return TRUE;
}

/* An enumerator's DW_AT_const_value. dwarf_formsdata reads data1..8 and sdata; udata above
 * G_MAXINT64 wraps, as in C. */
static int
enumerator_value (HsSymbolFile  *self,
                  Dwarf_Die      enumerator,
                  gint64        *value,
                  GError       **error)
{
  Dwarf_Attribute a = NULL;
  Dwarf_Error derr = NULL;
  Dwarf_Signed sval = 0;
  int res;

  res = dwarf_attr (enumerator, DW_AT_const_value, &a, &derr);
  if (res == DW_DLV_OK)
    {
      res = dwarf_formsdata (a, &sval, &derr);
      if (res != DW_DLV_OK)
        {
          Dwarf_Unsigned uval = 0;

          _hs_dwarf_drop_error (self, &derr);
          res = dwarf_formudata (a, &uval, &derr);
          sval = (Dwarf_Signed) uval;
        }
      dwarf_dealloc_attribute (a);
    }
  if (res == DW_DLV_ERROR)
    _hs_dwarf_set_error (self, error, derr, "cannot read an enumerator's value");
  *value = sval;
  return res;
}

/* Enumerators read from all named enums, over all of them together: a file with more is
 * corrupt or not a program (vmlinux has a few tens of thousands). */
#define MAX_ENUMERATORS 1000000

static void
build_enumerators (HsSymbolFile *self)
{
  GHashTable *enums = self->index != NULL ? self->index->names[HS_DWARF_NS_ENUM] : NULL;
  GHashTableIter iter;
  gpointer key, entry;
  guint64 budget = MAX_ENUMERATORS;

  self->enumerators = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (enums == NULL)
    return;
  g_hash_table_iter_init (&iter, enums);
  while (budget > 0 && g_hash_table_iter_next (&iter, &key, &entry))
    {
      Dwarf_Off off = HS_DWARF_ENTRY_OFFSET (entry);
      Dwarf_Die die = NULL, child = NULL;

      if (!_hs_dwarf_die_at (self, off, &die, NULL))
        continue;
      while (budget > 0 && _hs_dwarf_next_child (self, die, child, &child, NULL) == DW_DLV_OK)
        {
          const char *name;
          HsDwarfEnumerator *e;
          gint64 value;

          budget--;
          if (_hs_dwarf_tag (self, child) != DW_TAG_enumerator)
            continue;
          name = _hs_dwarf_name (self, child);
          if (name == NULL || g_hash_table_contains (self->enumerators, name)
              || enumerator_value (self, child, &value, NULL) != DW_DLV_OK)
            continue;
          e = g_new (HsDwarfEnumerator, 1);
          e->die = off;
          e->value = value;
          g_hash_table_insert (self->enumerators, g_strdup (name), e);
        }
      _hs_dwarf_die_free (self, child);
      _hs_dwarf_die_free (self, die);
    }
}

gboolean
hs_symbol_file_find_enumerator (HsSymbolFile  *self,
                                const char    *name,
                                guint64       *enum_die,
                                gint64        *value,
                                GError       **error)
{
  const HsDwarfEnumerator *e;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_hs_symbol_file_dwarf_begin (self, error))
    return FALSE;
  if (self->enumerators == NULL)
    build_enumerators (self);
  e = g_hash_table_lookup (self->enumerators, name);
  if (e != NULL)
    {
      if (enum_die != NULL)
        *enum_die = e->die;
      if (value != NULL)
        *value = e->value;
    }
  else
    g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                 "%s has no enumerator '%s' in a named enum", self->basename, name);
  _hs_symbol_file_dwarf_end (self);
  return e != NULL;
}

GArray *
hs_symbol_file_get_enumerators (HsSymbolFile  *self,
                                guint64        type_die,
                                GError       **error)
{
  g_autoptr(GArray) values = NULL;
  Dwarf_Die die = NULL, child = NULL;
  Dwarf_Off off;
  Dwarf_Half tag;
  guint n = 0;
  int res;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_hs_symbol_file_dwarf_begin (self, error))
    return NULL;
  if (!_hs_dwarf_strip_type (self, type_die, &off, &tag, error))
    {
      _hs_symbol_file_dwarf_end (self);
      return NULL;
    }
  if (tag != DW_TAG_enumeration_type)
    {
      g_autofree char *spelled = _hs_dwarf_type_name_ref (self, (HsDwarfTypeRef) { type_die, 0 });

      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID, "%s is not an enum",
                   spelled);
      _hs_symbol_file_dwarf_end (self);
      return NULL;
    }
  if (!_hs_dwarf_die_at (self, off, &die, error))
    {
      _hs_symbol_file_dwarf_end (self);
      return NULL;
    }
  values = g_array_new (FALSE, TRUE, sizeof (HsTypeEnumerator));
  g_array_set_clear_func (values, enumerator_clear);
  while ((res = _hs_dwarf_next_child (self, die, child, &child, error)) == DW_DLV_OK)
    {
      HsTypeEnumerator e = { 0 };
      gint64 sval = 0;

      if (++n > HS_DWARF_MAX_CHILDREN)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "corrupt DWARF in %s: an enum with more than %d values",
                       self->basename, HS_DWARF_MAX_CHILDREN);
          res = DW_DLV_ERROR;
          break;
        }
      if (_hs_dwarf_tag (self, child) != DW_TAG_enumerator)
        continue;
      res = enumerator_value (self, child, &sval, error);
      if (res == DW_DLV_ERROR)
        break;
      if (res == DW_DLV_NO_ENTRY)
        {
          res = DW_DLV_OK;
          continue;
        }
      e.name = g_strdup (_hs_dwarf_name (self, child));
      e.value = sval;
      g_array_append_val (values, e);
    }
  _hs_dwarf_die_free (self, child);
  _hs_dwarf_die_free (self, die);
  _hs_symbol_file_dwarf_end (self);
  if (res == DW_DLV_ERROR)
    return NULL;
  return g_steal_pointer (&values);
}
