/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-scan-private.h: what the DWARF scanner's two files share: bounded readers, the unit
 * headers and the compiled abbreviation tables (hs-dwarf-units.c) that the DIE reader and the
 * workers (hs-dwarf-scan.c) run on. Nothing here takes a lock: a table belongs to the worker
 * that compiled it, units and sections are read-only once read.
 */
#pragma once

#include "hs-leb128.h"
#include "hs-symbol-file-private.h"

G_BEGIN_DECLS

typedef struct
{
  const char *basename;                /* for messages */
  GError *error;                       /* the first error of this worker */
} Fail;

/* ------------------------------------------------------------------------------------------ */
/* Bounded readers                                                                            */

/* An abbreviation code: nearly always one byte. */
static inline gboolean
read_code (const guint8 **p,
           const guint8  *end,
           guint64       *out)
{
  if (*p < end && **p < 0x80)
    {
      *out = *(*p)++;
      return TRUE;
    }
  return hs_read_uleb (p, end, out);
}

/* Little-endian, @size of 1 to 8 bytes; the caller checked the bounds. */
static inline guint64
read_le (const guint8 *p,
         guint         size)
{
  guint64 value = 0;

  for (guint i = 0; i < size; i++)
    value |= (guint64) p[i] << (8 * i);
  return value;
}

/* A string at @offset of a string section, or NULL when that is outside it or unterminated. */
static inline const char *
string_at (const guint8 *section,
           guint64       size,
           gboolean      terminated,
           guint64       offset)
{
  if (section == NULL || offset >= size)
    return NULL;
  if (!terminated && memchr (section + offset, 0, size - offset) == NULL)
    return NULL;
  return (const char *) section + offset;
}

/* ------------------------------------------------------------------------------------------ */
/* Units and abbreviations                                                                    */

typedef struct
{
  guint64 offset;                      /* of the unit header in .debug_info */
  guint64 end;                         /* one past the unit */
  guint64 die;                         /* of the unit DIE */
  guint64 abbrev_offset;
  guint16 version;
  guint8 offset_size;
  guint8 addr_size;
} Unit;

/* What an attribute is read for; only the first of each in an abbreviation counts, as
 * libdwarf's dwarf_attr() returns the first. */
enum
{
  ROLE_SKIP,
  ROLE_NAME,
  ROLE_SIBLING,
  ROLE_SPECIFICATION,
  ROLE_ABSTRACT_ORIGIN,
  ROLE_STR_OFFSETS_BASE,
  N_ROLES
};

/* Presence is all the index asks of these (libdwarf's dwarf_hasattr()). */
enum
{
  HAS_DECLARATION = 1 << 0,
  HAS_LOCATION = 1 << 1,
  HAS_LOW_PC = 1 << 2,
  HAS_RANGES = 1 << 3,
};

typedef struct
{
  guint16 form;                        /* 0: skip @size bytes (fixed-size forms, merged) */
  guint8 role;
  gint32 size;                         /* of the form in this unit, or -1 when it varies */
} Op;

/* Where an attribute the index reads is, in an abbreviation whose attributes all have a fixed
 * size: @at bytes after the abbreviation code, @size bytes of @form (0 for none). */
typedef struct
{
  guint16 form;
  guint16 at;
  guint8 size;
} Slot;

#define NOT_FIXED G_MAXUINT32

typedef struct
{
  guint64 code;
  guint32 tag;
  gint8 ns;                            /* HsDwarfNs, or -1 for tags the index ignores */
  guint8 children;
  guint8 flags;
  guint32 first_op;
  guint32 n_ops;
  /* The fast path: when every attribute has a fixed size (and none needs libdwarf), a DIE is
   * @fixed bytes after its code, and @slots say where the attributes of each role are. Most
   * DIEs are skipped with one bounds check and one add; only the attributes the index asks
   * for are read. NOT_FIXED: the ops are run. */
  guint32 fixed;
  Slot slots[N_ROLES];
} Abbrev;

typedef struct
{
  GArray *abbrevs;                     /* of Abbrev, sorted by code when not direct */
  GArray *ops;                         /* of Op */
  guint32 *direct;                     /* code -> index + 1 in abbrevs, 0 for none */
  guint64 n_direct;
} AbbrevTable;

static inline const Abbrev *
abbrev_find (const AbbrevTable *table,
             guint64            code)
{
  guint lo = 0, hi;

  if (table->direct != NULL)
    return code < table->n_direct && table->direct[code] != 0
      ? &g_array_index (table->abbrevs, Abbrev, table->direct[code] - 1) : NULL;

  /* The first entry with this code. */
  hi = table->abbrevs->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (table->abbrevs, Abbrev, mid).code < code)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < table->abbrevs->len && g_array_index (table->abbrevs, Abbrev, lo).code == code
    ? &g_array_index (table->abbrevs, Abbrev, lo) : NULL;
}

/* Sets @fail's first error; always FALSE. */
gboolean     _hs_scan_corrupt                (Fail                  *fail,
                                              guint64                offset,
                                              const char            *what);
gboolean     _hs_scan_unsupported            (Fail                  *fail,
                                              const char            *what,
                                              guint64                value);
gboolean     _hs_scan_read_units             (const HsDwarfSections *s,
                                              Fail                  *fail,
                                              GArray                *units);
/* For bsearch over the units: the one holding the .debug_info offset @key points at. */
int          _hs_scan_compare_unit           (gconstpointer          key,
                                              gconstpointer          element);
AbbrevTable *_hs_scan_abbrev_table_parse     (const HsDwarfSections *s,
                                              const Unit            *u,
                                              Fail                  *fail);
void         _hs_scan_abbrev_table_free      (gpointer               data);
gint         _hs_scan_fixed_size             (const Unit            *u,
                                              guint                  form);
gboolean     _hs_scan_known_variable_form    (guint                  form);

G_END_DECLS
