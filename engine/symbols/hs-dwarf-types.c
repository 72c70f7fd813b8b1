/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-types.c: type layouts from DWARF: sizeof through typedefs, qualifiers
 * and arrays, and C spellings of types (member paths are in hs-dwarf-members.c).
 *
 * Every walk is bounded (HS_DWARF_MAX_DEPTH) so that a cyclic or absurd type
 * graph in a corrupt file ends in an error, not a hang or a stack overflow, and
 * so is the total work of one member lookup or one type spelling: a graph that
 * branches (two anonymous members per level) has 2^depth paths. Sizes and
 * offsets from the file are combined with checked arithmetic: one that
 * overflows 64 bits is an error, never a wrapped number.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include <string.h>

static const char *
ns_keyword (HsDwarfNs ns)
{
  switch (ns)
    {
    case HS_DWARF_NS_STRUCT:
      return "struct ";
    case HS_DWARF_NS_UNION:
      return "union ";
    case HS_DWARF_NS_ENUM:
      return "enum ";
    default:
      return "";
    }
}

gboolean
_hs_dwarf_is_aggregate (Dwarf_Half tag)
{
  return tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_class_type;
}

static HsDwarfNs
ns_of_tag (Dwarf_Half tag)
{
  switch (tag)
    {
    case DW_TAG_union_type:
      return HS_DWARF_NS_UNION;
    case DW_TAG_enumeration_type:
      return HS_DWARF_NS_ENUM;
    default:
      return HS_DWARF_NS_STRUCT;
    }
}

/* The DIE referenced by @die's DW_AT_type; 0 (void) when there is none. */
gboolean
_hs_dwarf_type_of (HsSymbolFile  *self,
         Dwarf_Die      die,
         Dwarf_Off     *type,
         GError       **error)
{
  int res = _hs_dwarf_ref (self, die, DW_AT_type, type, error);

  if (res == DW_DLV_NO_ENTRY)
    *type = 0;
  return res != DW_DLV_ERROR;
}

/* Looks through typedefs and qualifiers to the type that has a layout, and from a declaration
 * ("struct mm_struct;") to its definition in another CU. *@tag is 0 for void. */
gboolean
_hs_dwarf_strip_type (HsSymbolFile  *self,
            Dwarf_Off      off,
            Dwarf_Off     *out,
            Dwarf_Half    *tag,
            GError       **error)
{
  for (guint depth = 0; depth < HS_DWARF_MAX_DEPTH; depth++)
    {
      Dwarf_Die die = NULL;
      Dwarf_Half t;
      gboolean ok = TRUE;
      Dwarf_Off next = 0;

      if (off == 0)
        {
          *out = 0;
          *tag = 0;
          return TRUE;
        }
      if (!_hs_dwarf_die_at (self, off, &die, error))
        return FALSE;
      t = _hs_dwarf_tag (self, die);
      switch (t)
        {
        case DW_TAG_typedef:
        case DW_TAG_const_type:
        case DW_TAG_volatile_type:
        case DW_TAG_restrict_type:
        case DW_TAG_atomic_type:
        case DW_TAG_packed_type:
        case DW_TAG_shared_type:
          ok = _hs_dwarf_type_of (self, die, &next, error);
          break;

        case DW_TAG_structure_type:
        case DW_TAG_union_type:
        case DW_TAG_class_type:
        case DW_TAG_enumeration_type:
          if (_hs_dwarf_has (self, die, DW_AT_declaration))
            {
              const char *name = _hs_dwarf_name (self, die);

              if (name == NULL || !_hs_dwarf_index_lookup (self, ns_of_tag (t), name, &next, NULL)
                  || next == off)
                {
                  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                               "%s%s is declared but never defined in %s (an incomplete type)",
                               ns_keyword (ns_of_tag (t)), name ? name : "<anonymous>",
                               self->basename);
                  ok = FALSE;
                }
              break;
            }
          G_GNUC_FALLTHROUGH;
        default:
          _hs_dwarf_die_free (self, die);
          *out = off;
          *tag = t;
          return TRUE;
        }
      _hs_dwarf_die_free (self, die);
      if (!ok)
        return FALSE;
      off = next;
    }

  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
               "corrupt DWARF in %s: the type chain at 0x%" G_GINT64_MODIFIER "x is more than "
               "%d deep (a cycle?)", self->basename, (guint64) off, HS_DWARF_MAX_DEPTH);
  return FALSE;
}

gboolean
_hs_dwarf_array_dims (HsSymbolFile  *self,
            Dwarf_Die      array,
            HsDwarfDims          *dims,
            GError       **error)
{
  Dwarf_Die child = NULL;
  guint n_children = 0;
  int res;

  memset (dims, 0, sizeof *dims);
  while ((res = _hs_dwarf_next_child (self, array, child, &child, error)) == DW_DLV_OK)
    {
      guint64 count = 0, upper = 0, lower = 0;
      gboolean known = FALSE;

      if (++n_children > HS_DWARF_MAX_CHILDREN)
        {
          _hs_dwarf_die_free (self, child);
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "corrupt DWARF in %s: an array type with more than %d children",
                       self->basename, HS_DWARF_MAX_CHILDREN);
          return FALSE;
        }
      if (_hs_dwarf_tag (self, child) != DW_TAG_subrange_type)
        continue;
      if (dims->n == HS_DWARF_MAX_DIMS)
        {
          _hs_dwarf_die_free (self, child);
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                       "arrays of more than %d dimensions are not supported", HS_DWARF_MAX_DIMS);
          return FALSE;
        }
      res = _hs_dwarf_udata (self, child, DW_AT_count, &count, error);
      if (res == DW_DLV_OK)
        known = TRUE;
      else if (res == DW_DLV_NO_ENTRY)
        {
          res = _hs_dwarf_udata (self, child, DW_AT_upper_bound, &upper, error);
          if (res == DW_DLV_OK)
            {
              if (_hs_dwarf_udata (self, child, DW_AT_lower_bound, &lower, NULL) != DW_DLV_OK)
                lower = 0;
              known = upper >= lower;
              count = known ? upper - lower + 1 : 0;
            }
        }
      if (res == DW_DLV_ERROR)
        {
          _hs_dwarf_die_free (self, child);
          return FALSE;
        }
      dims->count[dims->n] = count;
      dims->known[dims->n] = known;
      dims->n++;
    }
  if (res == DW_DLV_ERROR)
    return FALSE;
  if (dims->n == 0)
    {
      /* GCC writes "char x[]" as an array without a subrange. */
      dims->n = 1;
      dims->count[0] = 0;
      dims->known[0] = FALSE;
    }
  return TRUE;
}

gboolean
_hs_dwarf_type_size_ref (HsSymbolFile  *self,
           HsDwarfTypeRef        type,
           guint          depth,
           guint64       *size,
           GError       **error)
{
  Dwarf_Die die = NULL;
  Dwarf_Half tag;
  Dwarf_Off off;
  gboolean ok = FALSE;
  int res;

  if (depth > HS_DWARF_MAX_DEPTH)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "corrupt DWARF in %s: type at 0x%" G_GINT64_MODIFIER "x nests more than %d "
                   "deep", self->basename, (guint64) type.off, HS_DWARF_MAX_DEPTH);
      return FALSE;
    }
  if (!_hs_dwarf_strip_type (self, type.off, &off, &tag, error))
    return FALSE;
  if (tag == 0)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID, "void has no size");
      return FALSE;
    }
  if (!_hs_dwarf_die_at (self, off, &die, error))
    return FALSE;

  if (tag == DW_TAG_array_type)
    {
      HsDwarfDims dims;
      Dwarf_Off element;
      guint64 n = 1;

      if (_hs_dwarf_array_dims (self, die, &dims, error) && _hs_dwarf_type_of (self, die, &element, error))
        {
          HsDwarfTypeRef elem = { element, 0 };
          gboolean fits = TRUE;

          for (guint i = type.skip; i < dims.n; i++)
            fits = fits && g_uint64_checked_mul (&n, n, dims.count[i]);
          ok = _hs_dwarf_type_size_ref (self, elem, depth + 1, size, error);
          if (ok && (!fits || !g_uint64_checked_mul (size, *size, n)))
            {
              g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                           "corrupt DWARF in %s: the array type at 0x%" G_GINT64_MODIFIER "x "
                           "is larger than 2^64 bytes (its size overflows)", self->basename,
                           (guint64) off);
              ok = FALSE;
            }
        }
    }
  else if (tag == DW_TAG_subroutine_type)
    g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                 "a function type has no size");
  else
    {
      res = _hs_dwarf_udata (self, die, DW_AT_byte_size, size, error);
      if (res == DW_DLV_OK)
        ok = TRUE;
      else if (res == DW_DLV_NO_ENTRY)
        {
          Dwarf_Error derr = NULL;
          Dwarf_Half address_size = 8;
          Dwarf_Off underlying;

          if (tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type
              || tag == DW_TAG_rvalue_reference_type || tag == DW_TAG_ptr_to_member_type)
            {
              if (dwarf_get_die_address_size (die, &address_size, &derr) != DW_DLV_OK)
                _hs_dwarf_drop_error (self, &derr);
              *size = address_size;
              ok = TRUE;
            }
          else if (tag == DW_TAG_enumeration_type && _hs_dwarf_type_of (self, die, &underlying, error)
                   && underlying != 0)
            {
              HsDwarfTypeRef u = { underlying, 0 };

              ok = _hs_dwarf_type_size_ref (self, u, depth + 1, size, error);
            }
          else if (error == NULL || *error == NULL)
            g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                         "the type at 0x%" G_GINT64_MODIFIER "x in %s has no size (tag 0x%x)",
                         (guint64) off, self->basename, tag);
        }
    }
  _hs_dwarf_die_free (self, die);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* C spelling                                                                                 */

/* @budget: DIEs the spelling may still visit. Past it the rest is "...": parameters that are
 * pointers to functions whose parameters are pointers to functions branch like anonymous
 * members do. */
static void append_type (HsSymbolFile *self,
                         GString      *s,
                         HsDwarfTypeRef       type,
                         guint         depth,
                         guint        *budget);

static void
append_params (HsSymbolFile *self,
               GString      *s,
               Dwarf_Die     function,
               guint         depth,
               guint        *budget)
{
  Dwarf_Die child = NULL;
  guint n = 0;

  g_string_append_c (s, '(');
  while (_hs_dwarf_next_child (self, function, child, &child, NULL) == DW_DLV_OK)
    {
      Dwarf_Half tag;

      if (*budget == 0)
        {
          g_string_append (s, n > 0 ? ", ..." : "...");
          _hs_dwarf_die_free (self, child);
          break;
        }
      (*budget)--;
      tag = _hs_dwarf_tag (self, child);

      if (tag == DW_TAG_formal_parameter)
        {
          Dwarf_Off t = 0;

          if (n++ > 0)
            g_string_append (s, ", ");
          if (_hs_dwarf_type_of (self, child, &t, NULL))
            append_type (self, s, (HsDwarfTypeRef) { t, 0 }, depth + 1, budget);
        }
      else if (tag == DW_TAG_unspecified_parameters)
        {
          if (n++ > 0)
            g_string_append (s, ", ");
          g_string_append (s, "...");
        }
    }
  if (n == 0 && _hs_dwarf_has (self, function, DW_AT_prototyped))
    g_string_append (s, "void");
  g_string_append_c (s, ')');
}

static void
append_type (HsSymbolFile *self,
             GString      *s,
             HsDwarfTypeRef       type,
             guint         depth,
             guint        *budget)
{
  Dwarf_Die die = NULL;
  const char *name;
  Dwarf_Off target = 0;
  Dwarf_Half tag;

  if (depth > HS_DWARF_MAX_DEPTH || *budget == 0)
    {
      g_string_append (s, "...");
      return;
    }
  (*budget)--;
  if (type.off == 0)
    {
      g_string_append (s, "void");
      return;
    }
  if (!_hs_dwarf_die_at (self, type.off, &die, NULL))
    {
      g_string_append (s, "<unreadable type>");
      return;
    }

  tag = _hs_dwarf_tag (self, die);
  name = _hs_dwarf_name (self, die);
  switch (tag)
    {
    case DW_TAG_base_type:
    case DW_TAG_typedef:
    case DW_TAG_unspecified_type:
      g_string_append (s, name ? name : "<unnamed>");
      break;

    case DW_TAG_structure_type:
    case DW_TAG_class_type:
    case DW_TAG_union_type:
    case DW_TAG_enumeration_type:
      g_string_append (s, ns_keyword (ns_of_tag (tag)));
      g_string_append (s, name ? name : "<anonymous>");
      break;

    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
    case DW_TAG_atomic_type:
      _hs_dwarf_type_of (self, die, &target, NULL);
      if (tag == DW_TAG_restrict_type)
        {
          append_type (self, s, (HsDwarfTypeRef) { target, 0 }, depth + 1, budget);
          g_string_append (s, " restrict");
        }
      else
        {
          g_string_append (s, tag == DW_TAG_const_type      ? "const "
                              : tag == DW_TAG_volatile_type ? "volatile "
                                                            : "_Atomic ");
          append_type (self, s, (HsDwarfTypeRef) { target, 0 }, depth + 1, budget);
        }
      break;

    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
      {
        Dwarf_Die pointee = NULL;

        _hs_dwarf_type_of (self, die, &target, NULL);
        /* A pointer to a function: "void (*)(struct callback_head *)". */
        if (target != 0 && _hs_dwarf_die_at (self, target, &pointee, NULL)
            && _hs_dwarf_tag (self, pointee) == DW_TAG_subroutine_type)
          {
            Dwarf_Off ret = 0;

            _hs_dwarf_type_of (self, pointee, &ret, NULL);
            append_type (self, s, (HsDwarfTypeRef) { ret, 0 }, depth + 1, budget);
            g_string_append (s, " (*)");
            append_params (self, s, pointee, depth, budget);
          }
        else
          {
            append_type (self, s, (HsDwarfTypeRef) { target, 0 }, depth + 1, budget);
            g_string_append (s, tag == DW_TAG_pointer_type ? " *" : " &");
          }
        _hs_dwarf_die_free (self, pointee);
      }
      break;

    case DW_TAG_array_type:
      {
        HsDwarfDims dims;

        _hs_dwarf_type_of (self, die, &target, NULL);
        append_type (self, s, (HsDwarfTypeRef) { target, 0 }, depth + 1, budget);
        if (_hs_dwarf_array_dims (self, die, &dims, NULL))
          for (guint i = type.skip; i < dims.n; i++)
            {
              if (dims.known[i])
                g_string_append_printf (s, "[%" G_GUINT64_FORMAT "]", dims.count[i]);
              else
                g_string_append (s, "[]");
            }
      }
      break;

    case DW_TAG_subroutine_type:
    case DW_TAG_subprogram:
      _hs_dwarf_type_of (self, die, &target, NULL);
      append_type (self, s, (HsDwarfTypeRef) { target, 0 }, depth + 1, budget);
      g_string_append_c (s, ' ');
      append_params (self, s, die, depth, budget);
      break;

    default:
      g_string_append_printf (s, "<DWARF tag 0x%x>", tag);
      break;
    }
  _hs_dwarf_die_free (self, die);
}

char *
_hs_dwarf_type_name_ref (HsSymbolFile *self,
           HsDwarfTypeRef       type)
{
  GString *s = g_string_new (NULL);
  guint budget = HS_DWARF_MAX_TYPE_TEXT_DIES;

  append_type (self, s, type, 0, &budget);
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Finding types and members                                                                  */

gboolean
_hs_dwarf_find_named_type (HsSymbolFile  *self,
                 const char    *spelled,
                 Dwarf_Off     *off,
                 GError       **error)
{
  static const struct { const char *keyword; HsDwarfNs ns; } keywords[] = {
    { "struct", HS_DWARF_NS_STRUCT },
    { "union", HS_DWARF_NS_UNION },
    { "enum", HS_DWARF_NS_ENUM },
  };
  static const HsDwarfNs bare[] = {
    HS_DWARF_NS_TYPEDEF, HS_DWARF_NS_STRUCT, HS_DWARF_NS_UNION, HS_DWARF_NS_ENUM,
  };
  g_autofree char *copy = g_strstrip (g_strdup (spelled));
  g_autofree char *suggestion = NULL;
  const char *name = copy;
  int keyword = -1;

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      gsize len = strlen (keywords[i].keyword);

      if (strncmp (copy, keywords[i].keyword, len) == 0
          && (g_ascii_isspace (copy[len]) || copy[len] == 0))
        {
          keyword = i;
          name = copy + len;
          while (g_ascii_isspace (*name))
            name++;
          break;
        }
    }
  if (*name == 0)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                   "'%s' is not a type name", spelled);
      return FALSE;
    }

  if (keyword >= 0)
    {
      if (_hs_dwarf_index_lookup (self, keywords[keyword].ns, name, off, NULL))
        return TRUE;
      suggestion = _hs_dwarf_index_suggest (self, keywords[keyword].ns, name);
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (bare); i++)
        if (_hs_dwarf_index_lookup (self, bare[i], name, off, NULL))
          return TRUE;
      suggestion = _hs_dwarf_index_suggest (self, HS_DWARF_NS_STRUCT, name);
      if (suggestion == NULL)
        suggestion = _hs_dwarf_index_suggest (self, HS_DWARF_NS_TYPEDEF, name);
    }

  if (suggestion != NULL)
    g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                 "%s has no type '%s'; did you mean '%s'?", self->basename, spelled, suggestion);
  else
    g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                 "%s has no type '%s' (no complete definition in its DWARF)", self->basename,
                 spelled);
  return FALSE;
}

gboolean
_hs_dwarf_type_size (HsSymbolFile  *self,
                     const char    *type_name_,
                     guint64       *size,
                     GError       **error)
{
  Dwarf_Off off;
  guint64 value = 0;

  if (!_hs_dwarf_find_named_type (self, type_name_, &off, error))
    return FALSE;
  if (!_hs_dwarf_type_size_ref (self, (HsDwarfTypeRef) { off, 0 }, 0, &value, error))
    {
      g_prefix_error (error, "sizeof (%s): ", type_name_);
      return FALSE;
    }
  if (size != NULL)
    *size = value;
  return TRUE;
}

/* The bytes of a block or exprloc attribute, copied. */
int
_hs_dwarf_read_block (HsSymbolFile  *self,
                      Dwarf_Die      die,
                      Dwarf_Half     attr,
                      GBytes       **out,
                      GError       **error)
{
  Dwarf_Attribute a = NULL;
  Dwarf_Error derr = NULL;
  Dwarf_Half form = 0;
  int res;

  res = dwarf_attr (die, attr, &a, &derr);
  if (res != DW_DLV_OK)
    {
      if (res == DW_DLV_ERROR)
        _hs_dwarf_set_error (self, error, derr, "cannot read attribute 0x%x", attr);
      return res;
    }
  res = dwarf_whatform (a, &form, &derr);
  if (res == DW_DLV_OK && form == DW_FORM_exprloc)
    {
      Dwarf_Unsigned len = 0;
      Dwarf_Ptr ptr = NULL;

      res = dwarf_formexprloc (a, &len, &ptr, &derr);
      if (res == DW_DLV_OK)
        *out = g_bytes_new (ptr, len);
    }
  else if (res == DW_DLV_OK && (form == DW_FORM_block || form == DW_FORM_block1
                                || form == DW_FORM_block2 || form == DW_FORM_block4))
    {
      Dwarf_Block *block = NULL;

      res = dwarf_formblock (a, &block, &derr);
      if (res == DW_DLV_OK)
        {
          *out = g_bytes_new (block->bl_data, block->bl_len);
          dwarf_dealloc (self->dbg, block, DW_DLA_BLOCK);
        }
    }
  else if (res == DW_DLV_OK)
    res = DW_DLV_NO_ENTRY;   /* a location list or a constant: not a single expression */
  if (res == DW_DLV_ERROR)
    _hs_dwarf_set_error (self, error, derr, "cannot read expression attribute 0x%x", attr);
  dwarf_dealloc_attribute (a);
  return res;
}

/* ------------------------------------------------------------------------------------------ */
/* Variables and functions                                                                    */

/* The C spelling of the type at @off ("struct task_struct *", "int (*)(void *)"). */
char *
_hs_dwarf_type_text (HsSymbolFile *self,
                     Dwarf_Off     off)
{
  return _hs_dwarf_type_name_ref (self, (HsDwarfTypeRef) { off, 0 });
}

gboolean
_hs_dwarf_type_size_at (HsSymbolFile  *self,
                        Dwarf_Off      off,
                        guint64       *size,
                        GError       **error)
{
  return _hs_dwarf_type_size_ref (self, (HsDwarfTypeRef) { off, 0 }, 0, size, error);
}
