/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-units.c: for the DWARF scanner (hs-dwarf-scan.c), the unit headers of .debug_info and
 * each unit's abbreviation table compiled into the few operations a DIE needs, all bounded
 * by their sections (see the hostile-input notes there).
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-dwarf-scan-private.h"

#include <string.h>

#define MAX_ATTRIBUTES 256             /* per abbreviation; GCC uses about 15 */
#define MAX_DIRECT_CODE 65536          /* abbreviation codes looked up by array below this */

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                     */


gboolean
_hs_scan_corrupt (Fail         *fail,
                  guint64       offset,
                  const char   *what)
{
  if (fail->error == NULL)
    g_set_error (&fail->error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                 "corrupt DWARF in %s: %s at .debug_info offset 0x%" G_GINT64_MODIFIER "x",
                 fail->basename, what, offset);
  return FALSE;
}

gboolean
_hs_scan_unsupported (Fail       *fail,
                      const char *what,
                      guint64     value)
{
  if (fail->error == NULL)
    g_set_error (&fail->error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 "the fast DWARF indexer does not support %s 0x%" G_GINT64_MODIFIER "x in %s",
                 what, value, fail->basename);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Units                                                                                      */


/* Reads every unit header: cheap (2277 of them in vmlinux), and it lets the units be shared out
 * and cross-unit references be resolved. */
gboolean
_hs_scan_read_units (const HsDwarfSections *s,
                     Fail                  *fail,
                     GArray                *units)
{
  guint64 off = 0;

  while (off < s->info_size)
    {
      const guint8 *p = s->info + off;
      const guint8 *end = s->info + s->info_size;
      guint64 length;
      Unit u = { 0 };

      u.offset = off;
      if (end - p < 4)
        return _hs_scan_corrupt (fail, off, "a truncated unit header");
      length = read_le (p, 4);
      p += 4;
      u.offset_size = 4;
      if (length == 0xffffffff)
        {
          if (end - p < 8)
            return _hs_scan_corrupt (fail, off, "a truncated unit header");
          length = read_le (p, 8);
          p += 8;
          u.offset_size = 8;
        }
      else if (length >= 0xfffffff0)
        return _hs_scan_corrupt (fail, off, "a reserved unit length");
      if (length > (guint64) (end - p) || length < 2)
        return _hs_scan_corrupt (fail, off, "a unit that does not fit in .debug_info");
      end = p + length;
      u.end = end - s->info;

      u.version = read_le (p, 2);
      p += 2;
      if (u.version < 2 || u.version > 5)
        return _hs_scan_unsupported (fail, "DWARF version", u.version);
      if (u.version >= 5)
        {
          guint unit_type;

          if (end - p < 2 + u.offset_size)
            return _hs_scan_corrupt (fail, off, "a truncated unit header");
          unit_type = *p++;
          u.addr_size = *p++;
          u.abbrev_offset = read_le (p, u.offset_size);
          p += u.offset_size;
          switch (unit_type)
            {
            case DW_UT_compile:
            case DW_UT_partial:
              break;
            case DW_UT_skeleton:
            case DW_UT_split_compile:
              p += 8;                  /* dwo_id */
              break;
            case DW_UT_type:
            case DW_UT_split_type:
              p += 8 + u.offset_size;  /* type signature, type offset */
              break;
            default:
              return _hs_scan_unsupported (fail, "unit type", unit_type);
            }
          if (p > end)
            return _hs_scan_corrupt (fail, off, "a truncated unit header");
        }
      else
        {
          if (end - p < u.offset_size + 1)
            return _hs_scan_corrupt (fail, off, "a truncated unit header");
          u.abbrev_offset = read_le (p, u.offset_size);
          p += u.offset_size;
          u.addr_size = *p++;
        }
      if (u.addr_size != 2 && u.addr_size != 4 && u.addr_size != 8)
        return _hs_scan_unsupported (fail, "address size", u.addr_size);
      if (u.abbrev_offset >= s->abbrev_size)
        return _hs_scan_corrupt (fail, off, "an abbreviation offset past .debug_abbrev");
      u.die = p - s->info;
      g_array_append_val (units, u);
      off = u.end;
    }
  return TRUE;
}

int
_hs_scan_compare_unit (gconstpointer key,
                       gconstpointer element)
{
  guint64 off = *(const guint64 *) key;
  const Unit *u = element;

  return off < u->offset ? -1 : off >= u->end;
}

/* ------------------------------------------------------------------------------------------ */
/* Abbreviations, compiled                                                                    */

void
_hs_scan_abbrev_table_free (gpointer data)
{
  AbbrevTable *table = data;

  g_array_unref (table->abbrevs);
  g_array_unref (table->ops);
  g_free (table->direct);
  g_free (table);
}

/* The size of @form in a unit like @u, or -1 when it varies (or the form is unknown). */
gint
_hs_scan_fixed_size (const Unit *u,
                     guint       form)
{
  switch (form)
    {
    case DW_FORM_flag_present:
    case DW_FORM_implicit_const:
      return 0;
    case DW_FORM_data1:
    case DW_FORM_ref1:
    case DW_FORM_flag:
    case DW_FORM_strx1:
    case DW_FORM_addrx1:
      return 1;
    case DW_FORM_data2:
    case DW_FORM_ref2:
    case DW_FORM_strx2:
    case DW_FORM_addrx2:
      return 2;
    case DW_FORM_strx3:
    case DW_FORM_addrx3:
      return 3;
    case DW_FORM_data4:
    case DW_FORM_ref4:
    case DW_FORM_strx4:
    case DW_FORM_addrx4:
    case DW_FORM_ref_sup4:
      return 4;
    case DW_FORM_data8:
    case DW_FORM_ref8:
    case DW_FORM_ref_sig8:
    case DW_FORM_ref_sup8:
      return 8;
    case DW_FORM_data16:
      return 16;
    case DW_FORM_addr:
      return u->addr_size;
    case DW_FORM_ref_addr:
      return u->version <= 2 ? u->addr_size : u->offset_size;
    case DW_FORM_strp:
    case DW_FORM_line_strp:
    case DW_FORM_sec_offset:
    case DW_FORM_strp_sup:
    case DW_FORM_GNU_ref_alt:
    case DW_FORM_GNU_strp_alt:
      return u->offset_size;
    default:
      return -1;
    }
}

gboolean
_hs_scan_known_variable_form (guint form)
{
  switch (form)
    {
    case DW_FORM_string:
    case DW_FORM_block:
    case DW_FORM_block1:
    case DW_FORM_block2:
    case DW_FORM_block4:
    case DW_FORM_exprloc:
    case DW_FORM_sdata:
    case DW_FORM_udata:
    case DW_FORM_ref_udata:
    case DW_FORM_strx:
    case DW_FORM_addrx:
    case DW_FORM_loclistx:
    case DW_FORM_rnglistx:
    case DW_FORM_indirect:
    case DW_FORM_GNU_addr_index:
    case DW_FORM_GNU_str_index:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Whether reading @form for @role needs nothing the fast path leaves out: the forms that fail
 * with NOT_SUPPORTED (read_ref(), read_attrs()) are left to the ops, which report them. */
static gboolean
fast_role_form (guint role,
                guint form)
{
  switch (role)
    {
    case ROLE_NAME:
      return form != DW_FORM_strp_sup && form != DW_FORM_GNU_strp_alt;
    case ROLE_SIBLING:
    case ROLE_SPECIFICATION:
    case ROLE_ABSTRACT_ORIGIN:
      return form != DW_FORM_ref_sig8 && form != DW_FORM_ref_sup4 && form != DW_FORM_ref_sup8
        && form != DW_FORM_GNU_ref_alt;
    default:
      return TRUE;
    }
}

static gint8
namespace_of (guint64 tag)
{
  switch (tag)
    {
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
      return HS_DWARF_NS_STRUCT;
    case DW_TAG_union_type:
      return HS_DWARF_NS_UNION;
    case DW_TAG_enumeration_type:
      return HS_DWARF_NS_ENUM;
    case DW_TAG_typedef:
    case DW_TAG_base_type:
      return HS_DWARF_NS_TYPEDEF;
    case DW_TAG_variable:
      return HS_DWARF_NS_VARIABLE;
    case DW_TAG_subprogram:
      return HS_DWARF_NS_FUNCTION;
    default:
      return -1;
    }
}

static int
compare_abbrev (gconstpointer a,
                gconstpointer b)
{
  const Abbrev *x = a, *y = b;

  if (x->code != y->code)
    return x->code < y->code ? -1 : 1;
  /* The first definition of a code wins, as in libdwarf. */
  return x->first_op < y->first_op ? -1 : x->first_op > y->first_op;
}

AbbrevTable *
_hs_scan_abbrev_table_parse (const HsDwarfSections *s,
                             const Unit            *u,
                             Fail                  *fail)
{
  const guint8 *p = s->abbrev + u->abbrev_offset;
  const guint8 *end = s->abbrev + s->abbrev_size;
  AbbrevTable *table = g_new0 (AbbrevTable, 1);
  guint64 max_code = 0;
  gint8 sizes[DW_FORM_addrx4 + 1];    /* fixed sizes of the standard forms, in this unit */

  for (guint form = 0; form < G_N_ELEMENTS (sizes); form++)
    sizes[form] = _hs_scan_fixed_size (u, form);

  table->abbrevs = g_array_new (FALSE, FALSE, sizeof (Abbrev));
  table->ops = g_array_new (FALSE, FALSE, sizeof (Op));

  /* A table ends with code 0; one cut short by the end of the section keeps what it has (a
   * DIE asking for a missing code is reported then). Every entry consumes bytes. */
  while (p < end)
    {
      Abbrev ab = { 0 };
      guint64 code, tag, attr, form;
      guint seen = 0, n_attrs = 0;
      guint32 at = 0;

      if (!hs_read_uleb (&p, end, &code))
        goto bad;
      if (code == 0)
        break;
      if (!hs_read_uleb (&p, end, &tag) || p >= end)
        goto bad;
      ab.code = code;
      ab.tag = MIN (tag, G_MAXUINT32);
      ab.ns = namespace_of (tag);
      ab.children = *p++ != DW_CHILDREN_no;
      ab.first_op = table->ops->len;

      for (;;)
        {
          Op op = { 0 };
          gint size;

          if (!hs_read_uleb (&p, end, &attr) || !hs_read_uleb (&p, end, &form))
            goto bad;
          if (attr == 0 && form == 0)
            break;
          if (++n_attrs > MAX_ATTRIBUTES)
            {
              _hs_scan_unsupported (fail, "an abbreviation with more attributes than",
                                    MAX_ATTRIBUTES);
              _hs_scan_abbrev_table_free (table);
              return NULL;
            }
          if (form == DW_FORM_implicit_const)
            {
              gint64 ignored;

              if (!hs_read_sleb (&p, end, &ignored))
                goto bad;
            }

          switch (attr)
            {
            case DW_AT_declaration:
              ab.flags |= HAS_DECLARATION;
              break;
            case DW_AT_location:
              ab.flags |= HAS_LOCATION;
              break;
            case DW_AT_low_pc:
              ab.flags |= HAS_LOW_PC;
              break;
            case DW_AT_ranges:
              ab.flags |= HAS_RANGES;
              break;
            case DW_AT_name:
              op.role = ROLE_NAME;
              break;
            case DW_AT_sibling:
              op.role = ROLE_SIBLING;
              break;
            case DW_AT_specification:
              op.role = ROLE_SPECIFICATION;
              break;
            case DW_AT_abstract_origin:
              op.role = ROLE_ABSTRACT_ORIGIN;
              break;
            case DW_AT_str_offsets_base:
              op.role = ROLE_STR_OFFSETS_BASE;
              break;
            default:
              break;
            }
          if (op.role != ROLE_SKIP)
            {
              if ((seen & (1u << op.role)) != 0)
                op.role = ROLE_SKIP;
              seen |= 1u << op.role;
            }

          size = form < G_N_ELEMENTS (sizes) ? sizes[form] : _hs_scan_fixed_size (u, form);
          if (size < 0 && !_hs_scan_known_variable_form (form))
            {
              _hs_scan_unsupported (fail, "attribute form", form);
              _hs_scan_abbrev_table_free (table);
              return NULL;
            }
          if (size < 0 || !fast_role_form (op.role, form))
            ab.fixed = NOT_FIXED;
          else if (ab.fixed != NOT_FIXED)
            {
              if (op.role != ROLE_SKIP)
                ab.slots[op.role] = (Slot) { form, at, size };
              at += size;              /* at most MAX_ATTRIBUTES * 16 */
            }
          if (op.role == ROLE_SKIP && size >= 0)
            {
              Op *last = table->ops->len > ab.first_op
                ? &g_array_index (table->ops, Op, table->ops->len - 1) : NULL;

              if (size == 0)
                continue;
              if (last != NULL && last->form == 0)
                {
                  last->size += size;
                  continue;
                }
              op.size = size;
            }
          else
            {
              op.form = form;
              op.size = size;
            }
          g_array_append_val (table->ops, op);
        }
      ab.n_ops = table->ops->len - ab.first_op;
      if (ab.fixed != NOT_FIXED)
        ab.fixed = at;
      max_code = MAX (max_code, code);
      g_array_append_val (table->abbrevs, ab);
    }

  if (max_code < MAX_DIRECT_CODE)
    {
      table->n_direct = max_code + 1;
      table->direct = g_new0 (guint32, table->n_direct);
      for (guint i = 0; i < table->abbrevs->len; i++)
        {
          const Abbrev *ab = &g_array_index (table->abbrevs, Abbrev, i);

          if (table->direct[ab->code] == 0)
            table->direct[ab->code] = i + 1;
        }
    }
  else
    g_array_sort (table->abbrevs, compare_abbrev);
  return table;

bad:
  _hs_scan_corrupt (fail, u->offset, "a truncated or malformed abbreviation table (for the unit)");
  _hs_scan_abbrev_table_free (table);
  return NULL;
}
