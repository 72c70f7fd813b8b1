/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-members.c: member lookup through paths such as "thread.cpu_context.x19" or
 * "comm[3]": member locations (DWARF 2 expressions, DWARF 2-5 bit-fields), anonymous structs
 * and unions searched as C does, array indexing.
 *
 * Bounded like the rest of the type code: depth, children per DIE, and member DIEs per lookup.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include "hs-leb128.h"

#include <string.h>

/* Where a DW_TAG_member lives inside its struct. */
static gboolean
member_location (HsSymbolFile  *self,
                 Dwarf_Die      member,
                 HsDwarfFound         *found,
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
              || (p++, !hs_read_uleb (&p, end, &location))
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
          && !_hs_dwarf_type_size_ref (self, (HsDwarfTypeRef) { found->type, 0 }, 0, &storage, error))
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
  HsDwarfFound found;                 /* DW_DLV_OK: where, from the start of @agg */
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
             HsDwarfFound         *found,
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
      if (!_hs_dwarf_type_of (self, child, &type, error))
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
          HsDwarfFound here = { 0 };

          if (!_hs_dwarf_strip_type (self, type, &inner, &tag, error))
            {
              result = DW_DLV_ERROR;
              break;
            }
          if (!_hs_dwarf_is_aggregate (tag))
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
  HsDwarfTypeRef cur;
  guint64 offset = 0;
  HsDwarfFound last = { 0 };
  g_auto(Search) search = { 0 };

  if (!_hs_dwarf_find_named_type (self, outer, &start, error))
    return FALSE;
  components = parse_path (path, error);
  if (components == NULL)
    return FALSE;

  cur = (HsDwarfTypeRef) { start, 0 };
  where = g_string_new (outer);
  /* One budget for the whole path; the answers kept are for one name at a time. */
  search_init (&search);
  for (guint i = 0; i < components->len; i++)
    {
      const Component *c = &g_array_index (components, Component, i);
      g_autoptr(GPtrArray) seen = g_ptr_array_new ();
      Dwarf_Off agg;
      Dwarf_Half tag;
      HsDwarfFound found = { 0 };
      int res;

      if (cur.skip > 0)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                       "%s is still an array: index it fully before '.%s'", where->str, c->name);
          return FALSE;
        }
      if (!_hs_dwarf_strip_type (self, cur.off, &agg, &tag, error))
        return FALSE;
      if (!_hs_dwarf_is_aggregate (tag))
        {
          g_autofree char *spelled = _hs_dwarf_type_name_ref (self, cur);

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
      cur = (HsDwarfTypeRef) { found.type, 0 };
      g_string_append_printf (where, ".%s", c->name);

      for (guint j = 0; j < c->indices->len; j++)
        {
          guint64 index = g_array_index (c->indices, guint64, j);
          Dwarf_Off array, element;
          Dwarf_Die die = NULL;
          HsDwarfDims dims;
          guint64 stride;
          gboolean ok;

          if (cur.skip == 0)
            {
              if (!_hs_dwarf_strip_type (self, cur.off, &array, &tag, error))
                return FALSE;
              if (tag != DW_TAG_array_type)
                {
                  g_autofree char *spelled = _hs_dwarf_type_name_ref (self, cur);

                  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                               "%s is %s, not an array: it cannot be indexed", where->str,
                               spelled);
                  return FALSE;
                }
              cur.off = array;
            }
          if (!_hs_dwarf_die_at (self, cur.off, &die, error))
            return FALSE;
          ok = _hs_dwarf_array_dims (self, die, &dims, error) && _hs_dwarf_type_of (self, die, &element, error);
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
          if (!_hs_dwarf_type_size_ref (self, (HsDwarfTypeRef) { element, 0 }, 0, &stride, error))
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
            cur = (HsDwarfTypeRef) { element, 0 };
          last.bit_size = 0;
          last.bit_offset = 0;
        }
    }

  out->offset = offset;
  out->bit_offset = last.bit_offset;
  out->bit_size = last.bit_size;
  if (last.bit_size > 0)
    out->size = ((guint64) last.bit_offset + last.bit_size + 7) / 8;
  else if (!_hs_dwarf_type_size_ref (self, cur, 0, &out->size, error))
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
  out->type_name = _hs_dwarf_type_name_ref (self, cur);
  return TRUE;
}

/* For hs-dwarf-typeinfo.c: one member DIE's location, its type in @found->type. */
gboolean
_hs_dwarf_member_location (HsSymbolFile  *self,
                           Dwarf_Die      member,
                           HsDwarfFound  *found,
                           GError       **error)
{
  if (!_hs_dwarf_type_of (self, member, &found->type, error))
    return FALSE;
  return member_location (self, member, found, error);
}

/* For hs-dwarf-typeinfo.c: @name in the aggregate @agg or its anonymous members, with the same
 * bounds as a path lookup. */
int
_hs_dwarf_find_member (HsSymbolFile  *self,
                       Dwarf_Off      agg,
                       const char    *name,
                       HsDwarfFound  *found,
                       GPtrArray     *seen,
                       GError       **error)
{
  g_auto(Search) search = { 0 };

  search_init (&search);
  return find_member (self, &search, agg, name, 0, found, seen, error);
}
