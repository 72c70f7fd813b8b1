/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-types.c: type layouts from DWARF: sizeof, offsetof through member
 * paths (anonymous structs and unions, typedefs, qualifiers, arrays,
 * bit-fields) and C spellings of types.
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

#define MAX_DIMS 8

/* A type, possibly with its first @skip array dimensions already indexed away. */
typedef struct
{
  Dwarf_Off off;         /* 0 is void */
  guint skip;
} TypeRef;

typedef struct
{
  guint n;
  guint64 count[MAX_DIMS];
  gboolean known[MAX_DIMS];
} Dims;

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

static gboolean
is_aggregate (Dwarf_Half tag)
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
static gboolean
type_of (HsSymbolFile  *self,
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
static gboolean
strip_type (HsSymbolFile  *self,
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
          ok = type_of (self, die, &next, error);
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

static gboolean
array_dims (HsSymbolFile  *self,
            Dwarf_Die      array,
            Dims          *dims,
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
      if (dims->n == MAX_DIMS)
        {
          _hs_dwarf_die_free (self, child);
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                       "arrays of more than %d dimensions are not supported", MAX_DIMS);
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

static gboolean
type_size (HsSymbolFile  *self,
           TypeRef        type,
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
  if (!strip_type (self, type.off, &off, &tag, error))
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
      Dims dims;
      Dwarf_Off element;
      guint64 n = 1;

      if (array_dims (self, die, &dims, error) && type_of (self, die, &element, error))
        {
          TypeRef elem = { element, 0 };
          gboolean fits = TRUE;

          for (guint i = type.skip; i < dims.n; i++)
            fits = fits && g_uint64_checked_mul (&n, n, dims.count[i]);
          ok = type_size (self, elem, depth + 1, size, error);
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
          else if (tag == DW_TAG_enumeration_type && type_of (self, die, &underlying, error)
                   && underlying != 0)
            {
              TypeRef u = { underlying, 0 };

              ok = type_size (self, u, depth + 1, size, error);
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
                         TypeRef       type,
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
          if (type_of (self, child, &t, NULL))
            append_type (self, s, (TypeRef) { t, 0 }, depth + 1, budget);
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
             TypeRef       type,
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
      type_of (self, die, &target, NULL);
      if (tag == DW_TAG_restrict_type)
        {
          append_type (self, s, (TypeRef) { target, 0 }, depth + 1, budget);
          g_string_append (s, " restrict");
        }
      else
        {
          g_string_append (s, tag == DW_TAG_const_type      ? "const "
                              : tag == DW_TAG_volatile_type ? "volatile "
                                                            : "_Atomic ");
          append_type (self, s, (TypeRef) { target, 0 }, depth + 1, budget);
        }
      break;

    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
      {
        Dwarf_Die pointee = NULL;

        type_of (self, die, &target, NULL);
        /* A pointer to a function: "void (*)(struct callback_head *)". */
        if (target != 0 && _hs_dwarf_die_at (self, target, &pointee, NULL)
            && _hs_dwarf_tag (self, pointee) == DW_TAG_subroutine_type)
          {
            Dwarf_Off ret = 0;

            type_of (self, pointee, &ret, NULL);
            append_type (self, s, (TypeRef) { ret, 0 }, depth + 1, budget);
            g_string_append (s, " (*)");
            append_params (self, s, pointee, depth, budget);
          }
        else
          {
            append_type (self, s, (TypeRef) { target, 0 }, depth + 1, budget);
            g_string_append (s, tag == DW_TAG_pointer_type ? " *" : " &");
          }
        _hs_dwarf_die_free (self, pointee);
      }
      break;

    case DW_TAG_array_type:
      {
        Dims dims;

        type_of (self, die, &target, NULL);
        append_type (self, s, (TypeRef) { target, 0 }, depth + 1, budget);
        if (array_dims (self, die, &dims, NULL))
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
      type_of (self, die, &target, NULL);
      append_type (self, s, (TypeRef) { target, 0 }, depth + 1, budget);
      g_string_append_c (s, ' ');
      append_params (self, s, die, depth, budget);
      break;

    default:
      g_string_append_printf (s, "<DWARF tag 0x%x>", tag);
      break;
    }
  _hs_dwarf_die_free (self, die);
}

static char *
type_name (HsSymbolFile *self,
           TypeRef       type)
{
  GString *s = g_string_new (NULL);
  guint budget = HS_DWARF_MAX_TYPE_TEXT_DIES;

  append_type (self, s, type, 0, &budget);
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Finding types and members                                                                  */

static gboolean
find_named_type (HsSymbolFile  *self,
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

  if (!find_named_type (self, type_name_, &off, error))
    return FALSE;
  if (!type_size (self, (TypeRef) { off, 0 }, 0, &value, error))
    {
      g_prefix_error (error, "sizeof (%s): ", type_name_);
      return FALSE;
    }
  if (size != NULL)
    *size = value;
  return TRUE;
}

gboolean
_hs_dwarf_read_uleb (const guint8 **p,
                     const guint8  *end,
                     guint64       *out)
{
  guint64 value = 0;
  guint shift = 0;

  while (*p < end)
    {
      guint8 byte = *(*p)++;

      if (shift < 64)
        value |= (guint64) (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) == 0)
        {
          *out = value;
          return TRUE;
        }
    }
  return FALSE;
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

typedef struct
{
  guint64 offset;
  guint bit_offset;
  guint bit_size;
  Dwarf_Off type;
} Found;

/* Where a DW_TAG_member lives inside its struct. */
static gboolean
member_location (HsSymbolFile  *self,
                 Dwarf_Die      member,
                 Found         *found,
                 GError       **error)
{
  Dwarf_Attribute a = NULL;
  Dwarf_Error derr = NULL;
  Dwarf_Half form = 0;
  guint64 location = 0, bit_size = 0, data_bit_offset = 0, bit_offset = 0, storage = 0;
  int res;

  res = dwarf_attr (member, DW_AT_data_member_location, &a, &derr);
  if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot read a member's location");
      return FALSE;
    }
  if (res == DW_DLV_OK)
    {
      res = dwarf_whatform (a, &form, &derr);
      dwarf_dealloc_attribute (a);
      if (res != DW_DLV_OK)
        {
          _hs_dwarf_set_error (self, error, derr, "cannot read a member's location form");
          return FALSE;
        }
      if (form == DW_FORM_exprloc || form == DW_FORM_block1 || form == DW_FORM_block
          || form == DW_FORM_block2 || form == DW_FORM_block4)
        {
          /* DWARF 2 style: DW_OP_plus_uconst N, or DW_OP_constu N (DW_OP_plus). */
          g_autoptr(GBytes) bytes = NULL;
          const guint8 *p, *end;
          gsize len;

          if (_hs_dwarf_read_block (self, member, DW_AT_data_member_location, &bytes, error) != DW_DLV_OK)
            return FALSE;
          p = g_bytes_get_data (bytes, &len);
          /* An empty block's data is NULL, which nothing may be added to. */
          end = len > 0 ? p + len : p;
          if (len < 2 || (p[0] != DW_OP_plus_uconst && p[0] != DW_OP_constu)
              || (p++, !_hs_dwarf_read_uleb (&p, end, &location))
              || !(p == end || (p + 1 == end && *p == DW_OP_plus)))
            {
              g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                           "a member location in %s is a DWARF expression this debugger does "
                           "not evaluate", self->basename);
              return FALSE;
            }
        }
      else if (_hs_dwarf_udata (self, member, DW_AT_data_member_location, &location, error)
               == DW_DLV_ERROR)
        return FALSE;
    }

  if (_hs_dwarf_udata (self, member, DW_AT_bit_size, &bit_size, error) == DW_DLV_ERROR)
    return FALSE;
  if (bit_size > G_MAXUINT)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "corrupt DWARF in %s: a bit-field of %" G_GUINT64_FORMAT " bits",
                   self->basename, bit_size);
      return FALSE;
    }
  found->offset = location;
  found->bit_offset = 0;
  found->bit_size = bit_size;
  if (bit_size == 0)
    return TRUE;

  res = _hs_dwarf_udata (self, member, DW_AT_data_bit_offset, &data_bit_offset, error);
  if (res == DW_DLV_ERROR)
    return FALSE;
  if (res == DW_DLV_NO_ENTRY)
    {
      /* DWARF 2/3: DW_AT_bit_offset counts from the most significant bit of a storage unit of
       * DW_AT_byte_size bytes at the member location; on little-endian that is: */
      guint64 storage_bits, used_bits, location_bits;

      if (_hs_dwarf_udata (self, member, DW_AT_bit_offset, &bit_offset, error) == DW_DLV_ERROR)
        return FALSE;
      if (_hs_dwarf_udata (self, member, DW_AT_byte_size, &storage, error) != DW_DLV_OK
          && !type_size (self, (TypeRef) { found->type, 0 }, 0, &storage, error))
        return FALSE;
      if (!g_uint64_checked_mul (&storage_bits, storage, 8)
          || !g_uint64_checked_add (&used_bits, bit_offset, bit_size)
          || storage_bits < used_bits)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "corrupt DWARF in %s: a bit-field does not fit its storage unit",
                       self->basename);
          return FALSE;
        }
      if (!g_uint64_checked_mul (&location_bits, location, 8)
          || !g_uint64_checked_add (&data_bit_offset, location_bits, storage_bits - used_bits))
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "corrupt DWARF in %s: a bit-field at byte %" G_GUINT64_FORMAT " is past "
                       "2^64 bits", self->basename, location);
          return FALSE;
        }
    }
  found->offset = data_bit_offset / 8;
  found->bit_offset = data_bit_offset % 8;
  return TRUE;
}

/* What one member lookup has done so far. An aggregate reachable along many paths (two
 * anonymous members of the same struct at each of 30 levels make 2^30) is searched once: the
 * answer for it is kept. And the lookup as a whole visits at most HS_DWARF_MAX_LOOKUP_MEMBERS
 * member DIEs, however the file arranges them. */
typedef struct
{
  GHashTable *done;            /* aggregate DIE offset → Searched, for the current name */
  guint64 budget;              /* member DIEs still to visit */
} Search;

typedef struct
{
  Dwarf_Off agg;               /* the key */
  gboolean searching;          /* on the way down: found again, it contains itself */
  int result;                  /* DW_DLV_OK or DW_DLV_NO_ENTRY once searched */
  Found found;                 /* DW_DLV_OK: where, from the start of @agg */
} Searched;

static void
search_init (Search *search)
{
  search->done = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  search->budget = HS_DWARF_MAX_LOOKUP_MEMBERS;
}

static void
search_clear (Search *search)
{
  g_clear_pointer (&search->done, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Search, search_clear)

/* Looks for @name among the members of the aggregate @agg, and inside its anonymous struct and
 * union members as C does. Member names seen go to @seen for "did you mean". */
static int
find_member (HsSymbolFile  *self,
             Search        *search,
             Dwarf_Off      agg,
             const char    *name,
             guint          depth,
             Found         *found,
             GPtrArray     *seen,
             GError       **error)
{
  Dwarf_Die die = NULL, child = NULL;
  int res, result = DW_DLV_NO_ENTRY;
  Searched *searched;
  guint n = 0;

  if (depth > HS_DWARF_MAX_DEPTH)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "corrupt DWARF in %s: anonymous members nest more than %d deep",
                   self->basename, HS_DWARF_MAX_DEPTH);
      return DW_DLV_ERROR;
    }
  searched = g_hash_table_lookup (search->done, &agg);
  if (searched != NULL && searched->searching)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "corrupt DWARF in %s: the struct or union at 0x%" G_GINT64_MODIFIER "x "
                   "contains itself through anonymous members", self->basename, (guint64) agg);
      return DW_DLV_ERROR;
    }
  if (searched != NULL)
    {
      if (searched->result == DW_DLV_OK)
        *found = searched->found;
      return searched->result;
    }
  searched = g_new0 (Searched, 1);
  searched->agg = agg;
  searched->searching = TRUE;
  g_hash_table_insert (search->done, &searched->agg, searched);

  if (!_hs_dwarf_die_at (self, agg, &die, error))
    return DW_DLV_ERROR;

  while ((res = _hs_dwarf_next_child (self, die, child, &child, error)) == DW_DLV_OK)
    {
      const char *member_name;
      Dwarf_Off type = 0;

      if (++n > HS_DWARF_MAX_CHILDREN)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "corrupt DWARF in %s: a struct with more than %d members",
                       self->basename, HS_DWARF_MAX_CHILDREN);
          result = DW_DLV_ERROR;
          break;
        }
      if (search->budget == 0)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "the search was cut short after %d members of anonymous structs and "
                       "unions, nested too widely to be real C (corrupt DWARF in %s? the last "
                       "struct searched is at 0x%" G_GINT64_MODIFIER "x)",
                       HS_DWARF_MAX_LOOKUP_MEMBERS, self->basename, (guint64) agg);
          result = DW_DLV_ERROR;
          break;
        }
      search->budget--;
      if (_hs_dwarf_tag (self, child) != DW_TAG_member)
        continue;
      if (!type_of (self, child, &type, error))
        {
          result = DW_DLV_ERROR;
          break;
        }

      member_name = _hs_dwarf_name (self, child);
      if (member_name != NULL)
        {
          if (seen != NULL)
            g_ptr_array_add (seen, (gpointer) member_name);
          if (strcmp (member_name, name) == 0)
            {
              found->type = type;
              result = member_location (self, child, found, error) ? DW_DLV_OK : DW_DLV_ERROR;
              break;
            }
        }
      else
        {
          Dwarf_Off inner;
          Dwarf_Half tag;
          Found here = { 0 };

          if (!strip_type (self, type, &inner, &tag, error))
            {
              result = DW_DLV_ERROR;
              break;
            }
          if (!is_aggregate (tag))
            continue;
          res = find_member (self, search, inner, name, depth + 1, found, seen, error);
          if (res == DW_DLV_NO_ENTRY)
            continue;
          if (res == DW_DLV_OK)
            {
              here.type = type;
              if (!member_location (self, child, &here, error))
                res = DW_DLV_ERROR;
              else if (!g_uint64_checked_add (&found->offset, found->offset, here.offset))
                {
                  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                               "corrupt DWARF in %s: member '%s' is more than 2^64 bytes into "
                               "the struct or union at 0x%" G_GINT64_MODIFIER "x",
                               self->basename, name, (guint64) agg);
                  res = DW_DLV_ERROR;
                }
            }
          result = res;
          break;
        }
    }
  if (res == DW_DLV_ERROR)
    result = DW_DLV_ERROR;
  _hs_dwarf_die_free (self, child);
  _hs_dwarf_die_free (self, die);
  searched->searching = FALSE;
  searched->result = result;
  if (result == DW_DLV_OK)
    searched->found = *found;
  return result;
}

typedef struct
{
  char *name;
  GArray *indices;   /* of guint64 */
} Component;

static void
component_clear (gpointer data)
{
  Component *c = data;

  g_free (c->name);
  g_array_unref (c->indices);
}

static GArray *
parse_path (const char  *path,
            GError     **error)
{
  GArray *components = g_array_new (FALSE, TRUE, sizeof (Component));
  const char *p = path;

  g_array_set_clear_func (components, component_clear);
  while (g_ascii_isspace (*p))
    p++;
  for (;;)
    {
      Component c;
      const char *start = p;

      if (!(g_ascii_isalpha (*p) || *p == '_'))
        goto invalid;
      while (g_ascii_isalnum (*p) || *p == '_')
        p++;
      c.name = g_strndup (start, p - start);
      c.indices = g_array_new (FALSE, FALSE, sizeof (guint64));
      g_array_append_val (components, c);

      while (*p == '[')
        {
          char *end = NULL;
          guint64 index;

          p++;
          if (!g_ascii_isdigit (*p))
            goto invalid;
          index = g_ascii_strtoull (p, &end, 0);
          if (end == p || *end != ']')
            goto invalid;
          g_array_append_val (c.indices, index);
          p = end + 1;
        }
      while (g_ascii_isspace (*p))
        p++;
      if (*p == 0)
        return components;
      if (*p != '.')
        goto invalid;
      p++;
    }

invalid:
  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
               "'%s' is not a member path (expected names separated by '.', each optionally "
               "followed by [index]; the problem is at '%s')", path, p);
  g_array_unref (components);
  return NULL;
}

gboolean
_hs_dwarf_member (HsSymbolFile  *self,
                  const char    *outer,
                  const char    *path,
                  HsMember      *out,
                  GError       **error)
{
  g_autoptr(GArray) components = NULL;
  g_autoptr(GString) where = NULL;
  Dwarf_Off start;
  TypeRef cur;
  guint64 offset = 0;
  Found last = { 0 };
  g_auto(Search) search = { 0 };

  if (!find_named_type (self, outer, &start, error))
    return FALSE;
  components = parse_path (path, error);
  if (components == NULL)
    return FALSE;

  cur = (TypeRef) { start, 0 };
  where = g_string_new (outer);
  /* One budget for the whole path; the answers kept are for one name at a time. */
  search_init (&search);
  for (guint i = 0; i < components->len; i++)
    {
      const Component *c = &g_array_index (components, Component, i);
      g_autoptr(GPtrArray) seen = g_ptr_array_new ();
      Dwarf_Off agg;
      Dwarf_Half tag;
      Found found = { 0 };
      int res;

      if (cur.skip > 0)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                       "%s is still an array: index it fully before '.%s'", where->str, c->name);
          return FALSE;
        }
      if (!strip_type (self, cur.off, &agg, &tag, error))
        return FALSE;
      if (!is_aggregate (tag))
        {
          g_autofree char *spelled = type_name (self, cur);

          if (tag == DW_TAG_pointer_type)
            g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                         "%s is a pointer (%s): its member '%s' is in another object; read the "
                         "pointer and look '%s' up in the type it points to",
                         where->str, spelled, c->name, c->name);
          else
            g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                         "%s is %s, not a struct or union: it has no member '%s'",
                         where->str, spelled, c->name);
          return FALSE;
        }

      g_hash_table_remove_all (search.done);
      res = find_member (self, &search, agg, c->name, 0, &found, seen, error);
      if (res == DW_DLV_ERROR)
        {
          g_prefix_error (error, "cannot look up %s.%s: ", where->str, c->name);
          return FALSE;
        }
      if (res == DW_DLV_NO_ENTRY)
        {
          g_autofree char *suggestion = _hs_suggest_from (c->name, seen);

          if (suggestion != NULL)
            g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                         "%s has no member '%s'; did you mean '%s'?",
                         where->str, c->name, suggestion);
          else
            g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                         "%s has no member '%s'", where->str, c->name);
          return FALSE;
        }

      if (!g_uint64_checked_add (&offset, offset, found.offset))
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "corrupt DWARF in %s: %s.%s is more than 2^64 bytes from the start of "
                       "%s", self->basename, where->str, c->name, outer);
          return FALSE;
        }
      last = found;
      cur = (TypeRef) { found.type, 0 };
      g_string_append_printf (where, ".%s", c->name);

      for (guint j = 0; j < c->indices->len; j++)
        {
          guint64 index = g_array_index (c->indices, guint64, j);
          Dwarf_Off array, element;
          Dwarf_Die die = NULL;
          Dims dims;
          guint64 stride;
          gboolean ok;

          if (cur.skip == 0)
            {
              if (!strip_type (self, cur.off, &array, &tag, error))
                return FALSE;
              if (tag != DW_TAG_array_type)
                {
                  g_autofree char *spelled = type_name (self, cur);

                  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                               "%s is %s, not an array: it cannot be indexed", where->str,
                               spelled);
                  return FALSE;
                }
              cur.off = array;
            }
          if (!_hs_dwarf_die_at (self, cur.off, &die, error))
            return FALSE;
          ok = array_dims (self, die, &dims, error) && type_of (self, die, &element, error);
          _hs_dwarf_die_free (self, die);
          if (!ok)
            return FALSE;
          if (dims.known[cur.skip] && index >= dims.count[cur.skip])
            {
              g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                           "index %" G_GUINT64_FORMAT " is out of bounds: %s has %"
                           G_GUINT64_FORMAT " elements", index, where->str,
                           dims.count[cur.skip]);
              return FALSE;
            }
          if (!type_size (self, (TypeRef) { element, 0 }, 0, &stride, error))
            return FALSE;
          ok = TRUE;
          for (guint d = cur.skip + 1; d < dims.n; d++)
            ok = ok && g_uint64_checked_mul (&stride, stride, dims.count[d]);
          if (!ok)
            {
              g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                           "corrupt DWARF in %s: the elements of %s are larger than 2^64 bytes "
                           "(their size overflows)", self->basename, where->str);
              return FALSE;
            }
          if (!g_uint64_checked_mul (&stride, stride, index)
              || !g_uint64_checked_add (&offset, offset, stride))
            {
              g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                           "index %" G_GUINT64_FORMAT " of %s is too large: its offset from the "
                           "start of %s does not fit in 64 bits", index, where->str, outer);
              return FALSE;
            }
          g_string_append_printf (where, "[%" G_GUINT64_FORMAT "]", index);
          cur.skip++;
          if (cur.skip == dims.n)
            cur = (TypeRef) { element, 0 };
          last.bit_size = 0;
          last.bit_offset = 0;
        }
    }

  out->offset = offset;
  out->bit_offset = last.bit_offset;
  out->bit_size = last.bit_size;
  if (last.bit_size > 0)
    out->size = ((guint64) last.bit_offset + last.bit_size + 7) / 8;
  else if (!type_size (self, cur, 0, &out->size, error))
    {
      g_prefix_error (error, "%s: ", where->str);
      return FALSE;
    }
  /* Whoever reads the member reads offset + size: that must not wrap either. */
  if (out->size > G_MAXUINT64 - out->offset)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "corrupt DWARF in %s: %s (%" G_GUINT64_FORMAT " bytes at offset %"
                   G_GUINT64_FORMAT ") ends past 2^64 bytes", self->basename, where->str,
                   out->size, out->offset);
      return FALSE;
    }
  out->type_name = type_name (self, cur);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Variables and functions                                                                    */

/* The C spelling of the type at @off ("struct task_struct *", "int (*)(void *)"). */
char *
_hs_dwarf_type_text (HsSymbolFile *self,
                     Dwarf_Off     off)
{
  return type_name (self, (TypeRef) { off, 0 });
}

gboolean
_hs_dwarf_type_size_at (HsSymbolFile  *self,
                        Dwarf_Off      off,
                        guint64       *size,
                        GError       **error)
{
  return type_size (self, (TypeRef) { off, 0 }, 0, size, error);
}
